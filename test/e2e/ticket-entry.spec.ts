import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, typeTicket } from './station-steps';
import { useServer } from './server-fixture';

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
	await page.keyboard.type('121310160000067890');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*067\s*890/);
	await expect(page.getByText('2回目')).toBeVisible();
	// A person typing slowly outside the field does not trigger it.
	await page.getByRole('button', { name: '戻る' }).click();
	await page.getByRole('heading', { name: '本日の記録' }).click();
	await page.keyboard.type('121310160000011111', { delay: 90 });
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: '内容の確認' })).toHaveCount(0);
});
