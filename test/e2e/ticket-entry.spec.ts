import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket, typeTicket } from './station-steps';
import { useServer } from './server-fixture';
import { wedgeScan } from './wedge';

const server = useServer();

test('typed by hand twice, a slip caught; a wedge scanner anywhere on the desk screen', async ({ page }) => {
	await page.goto(server.url);
	await enrolStation(
		page,
		await issueEnrolmentCode(server.url, { setting: 'clinic', siteCode: 'C0123', label: '山田内科 受付' })
	);
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

test('a scanner set to end its codes with Tab reads into the ticket field once; a person’s Tab moves on', async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(
		page,
		await issueEnrolmentCode(server.url, { setting: 'clinic', siteCode: 'C0123', label: '山田内科 受付' })
	);
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

test('after 戻る, a save or a refusal the field is empty and focused; a scan replaces what is in it; an error goes with the next entry', async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(
		page,
		await issueEnrolmentCode(server.url, { setting: 'clinic', siteCode: 'C0123', label: '山田内科 受付' })
	);
	await fillSession(page);
	const field = page.getByLabel('接種券番号（18桁）');
	const alert = page.getByRole('alert');

	// 戻る: the number read is not left behind for the next one to be typed onto.
	await scanTicket(page, '111310160000012345');
	await page.getByRole('button', { name: '戻る' }).click();
	await expect(field).toHaveValue('');
	await expect(field).toBeFocused();
	await field.pressSequentially('111310160000067890', { delay: 80 });
	await page.getByRole('button', { name: '確認へ進む' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'もう一度入力' })).toBeVisible();
	await expect(alert).toHaveCount(0);

	// A refusal: the message stays, the field is emptied and focused; the next key starts a new entry.
	await field.pressSequentially('12345', { delay: 80 });
	await page.getByRole('button', { name: '確認へ進む' }).click();
	await expect(alert).toContainText('形式が正しくありません');
	await expect(field).toHaveValue('');
	await expect(field).toBeFocused();
	await field.pressSequentially('1', { delay: 80 });
	await expect(alert).toHaveCount(0);
	await field.press('Backspace');

	// Keys left in the field (typed a while before): a scanner's burst replaces them.
	await wedgeScan(page, '99', { terminator: null, msPerChar: 150, at: Date.now() - 5_000 });
	await expect(field).toHaveValue('99');
	await wedgeScan(page, '111310160000024680');
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*024\s*680/);

	// A save: empty and focused for the next ticket.
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByTestId('saved')).toContainText('0000 024 680');
	await expect(field).toHaveValue('');
	await expect(field).toBeFocused();
});

test("a person's Enter saves the confirmation; a scanner's Enter never does, even with 記録する focused", async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(
		page,
		await issueEnrolmentCode(server.url, { setting: 'clinic', siteCode: 'C0123', label: '山田内科 受付' })
	);
	await fillSession(page);
	const heading = page.getByRole('heading', { name: '内容の確認' });
	const save = page.getByRole('button', { name: '記録する' });

	// The keys carry their own times: the scans were seconds ago, the person's Enter is now.
	await scanTicket(page, '111310160000012345', { at: Date.now() - 3_000 });
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*012\s*345/);
	await expect(heading).toBeFocused();

	// A second ticket scanned while the first is on screen: its Enter saves nothing.
	await wedgeScan(page, '111310160000067890', { at: Date.now() - 2_000 });
	await expect(save).toBeEnabled();
	await expect(heading).toBeVisible();
	// Not even by pressing a focused 記録する.
	await save.focus();
	await wedgeScan(page, '111310160000067890', { at: Date.now() - 1_000 });
	await expect(save).toBeEnabled();
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*012\s*345/);
	await expect(page.getByTestId('saved')).toHaveText('');
	await expect(page.locator('.records li')).toHaveCount(0);

	// The person's Enter (focus where the screen put it): saved, the first ticket only.
	await heading.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('saved')).toContainText('0000 012 345');
	await expect(page.locator('.records li')).toHaveCount(1);
	await expect(page.locator('.records li')).toContainText('0000 012 345');
	await expect(page.getByLabel('接種券番号（18桁）')).toBeFocused();
});
