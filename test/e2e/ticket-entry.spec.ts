import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket, typeTicket } from './station-steps';
import { useServer } from './server-fixture';
import { wedgeScan } from './wedge';

const server = useServer();

test('typed by hand twice, a slip caught; a wedge scanner anywhere on the desk screen', async ({ page }) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url, { setting: 'clinic', siteCode: 'C0123', label: '山田内科 受付' }));
	await fillSession(page);

	// Two different numbers (a 1 ↔ 4 slip): refused, nothing to confirm.
	await typeTicket(page, '111310160000012345');
	await expect(page.getByRole('status').filter({ hasText: 'もう一度入力' })).toBeVisible();
	await typeTicket(page, '111310160000042345');
	await expect(page.getByRole('alert')).toContainText('一致しません');
	await expect(page.getByRole('heading', { name: '内容の確認' })).toHaveCount(0);

	// The same number twice: on to the confirmation.
	await typeTicket(page, '111310160000012345');
	await typeTicket(page, '111310160000012345');
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*012\s*345/);
	await page.getByRole('button', { name: '戻る' }).click();

	// The scanner types while no field has focus and ends with Enter: read once, confirmed.
	await page.getByRole('heading', { name: '本日の記録' }).click();
	await wedgeScan(page, '121310160000067890');
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*067\s*890/);
	await expect(page.getByText('2回目')).toBeVisible();
	// A key pressed by mistake on the desk screen seconds before is not part of the next scan.
	await page.getByRole('button', { name: '戻る' }).click();
	await page.getByRole('heading', { name: '本日の記録' }).click();
	await wedgeScan(page, '7', { terminator: null, at: Date.now() - 3_000 });
	await wedgeScan(page, '111310160000024680');
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*024\s*680/);
	await expect(page.getByRole('alert')).toHaveCount(0);
	// A person typing slowly outside the field does not trigger it.
	await page.getByRole('button', { name: '戻る' }).click();
	await page.getByRole('heading', { name: '本日の記録' }).click();
	await page.keyboard.type('121310160000011111', { delay: 90 });
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: '内容の確認' })).toHaveCount(0);
});

test('a scanner set to end its codes with Tab reads into the ticket field once; a person’s Tab moves on', async ({ page }) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url, { setting: 'clinic', siteCode: 'C0123', label: '山田内科 受付' }));
	await fillSession(page);

	await scanTicket(page, '111310160000013579', { terminator: 'Tab' });
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*013\s*579/);
	await expect(page.getByRole('status').filter({ hasText: 'もう一度入力' })).toHaveCount(0);
	await page.getByRole('button', { name: '戻る' }).click();

	// Typed by hand, then Tab: focus goes on to the next control and nothing is read.
	const field = page.getByLabel('接種券番号（18桁）');
	await field.fill('');
	await field.pressSequentially('111310160000013579', { delay: 80 });
	await field.press('Tab');
	await expect(page.getByRole('button', { name: 'カメラで読み取る' })).toBeFocused();
	await expect(page.getByRole('heading', { name: '内容の確認' })).toHaveCount(0);
	await expect(field).toHaveValue('111310160000013579');
});
