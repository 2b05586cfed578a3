import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { PIN, cartonCode, scanLot, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

// A valid My Number (check digit 8), in the forms people type it, and disguised: other
// separators, invisible characters between digits, other scripts' digits, kanji numerals.
const MY_NUMBERS = [
	'123456789018',
	'1234 5678 9018',
	'１２３４５６７８９０１８',
	'1234.5678.9018',
	'123-456-789-018',
	'1234\u200b5678\u200b9018',
	'١٢٣٤٥٦٧٨٩٠١٨',
	'一二三四五六七八九〇一八'
];

test('a My Number is refused in every input of the station', async ({ page }) => {
	await page.goto(server.url);
	const code = await issueEnrolmentCode(server.url);
	const alert = page.getByRole('alert');

	// Enrolment: staff code and PIN.
	await page.getByLabel('登録コード').fill(code);
	for (const [staff, pin] of [
		[MY_NUMBERS[0]!, PIN],
		['N001', MY_NUMBERS[0]!]
	] as const) {
		await page.getByLabel('担当者コード').fill(staff);
		await page.getByLabel('暗証番号', { exact: true }).fill(pin);
		await page.getByLabel('暗証番号（確認）').fill(pin);
		await page.getByRole('button', { name: 'この端末を登録する' }).click();
		await expect(alert).toContainText('個人番号');
	}
	await page.getByLabel('担当者コード').fill('N001');
	await page.getByLabel('暗証番号', { exact: true }).fill(PIN);
	await page.getByLabel('暗証番号（確認）').fill(PIN);
	await page.getByRole('button', { name: 'この端末を登録する' }).click();

	// Settings: doctor codes and the lot barcode.
	await scanLot(page, `(01)09520000001018(17)301231(10)${MY_NUMBERS[0]}`);
	await expect(alert).toContainText('個人番号');
	await scanLot(page, cartonCode());
	await page.getByLabel('予診医コード').fill(MY_NUMBERS[0]!);
	await page.getByLabel('接種医コード').fill('D002');
	await page.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await expect(alert).toContainText('個人番号');
	await page.getByLabel('予診医コード').fill('D001');
	await page.getByRole('button', { name: 'この設定で記録を始める' }).click();

	// The ticket field, in every form.
	for (const n of MY_NUMBERS) {
		await page.getByLabel('接種券番号（18桁）').fill(n);
		await page.getByRole('button', { name: '確認へ進む' }).click();
		await expect(alert).toContainText('個人番号');
		await expect(page.getByLabel('接種券番号（18桁）')).toHaveValue('');
	}

	// The not-vaccinated note and a correction's reason.
	await scanTicket(page, '111310160000012345');
	await page.getByRole('button', { name: '接種不適当', exact: true }).click();
	await page.getByLabel('補足').fill(`番号 ${MY_NUMBERS[5]}`);
	await page.getByRole('button', { name: '接種不適当として記録' }).click();
	await expect(alert).toContainText('個人番号');
	await page.getByLabel('補足').fill('');
	await page.getByRole('button', { name: '接種不適当として記録' }).click();
	await page.locator('.records li').first().getByRole('button').click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('button', { name: '訂正' }).click();
	await dialog.getByLabel('理由', { exact: true }).fill(MY_NUMBERS[7]!);
	await dialog.getByRole('button', { name: '確定' }).click();
	await expect(dialog.getByRole('alert')).toContainText('個人番号');
	await dialog.getByRole('button', { name: 'やめる' }).click();
	await dialog.getByRole('button', { name: '閉じる' }).click();
	await expect(page.locator('.records li')).not.toContainText('訂正済');
});
