import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { useServer } from './server-fixture';
import { fillSession } from './station-steps';

const server = useServer({ PIN_MIN_LENGTH: '8' });

test("the deployment's minimum PIN length (8 here) holds at enrolment, before the code is spent, and for a new operator", async ({
	page
}) => {
	await page.goto(server.url);
	const code = await issueEnrolmentCode(server.url);
	const enrol = async (pin: string) => {
		await page.getByLabel('登録コード').fill(code);
		await page.getByLabel('担当者コード').fill('N001');
		await page.getByLabel('暗証番号', { exact: true }).fill(pin);
		await page.getByLabel('暗証番号（確認）').fill(pin);
		await page.getByRole('button', { name: 'この端末を登録する' }).click();
	};
	await enrol('4829130');
	await expect(page.getByRole('alert')).toHaveText('暗証番号は8〜12桁の数字で入力してください。');
	// The same one-time code still enrols: the short PIN was refused before it was used.
	await enrol('48291307');
	await fillSession(page);

	await page.getByRole('button', { name: '担当者を追加' }).click();
	await page.getByLabel('担当者コード').fill('N002');
	await page.getByLabel('暗証番号', { exact: true }).fill('7712045');
	await page.getByLabel('暗証番号（確認）').fill('7712045');
	await page.getByRole('button', { name: '追加する' }).click();
	await expect(page.getByRole('alert')).toHaveText('暗証番号は8〜12桁の数字で入力してください。');
	await page.getByLabel('暗証番号', { exact: true }).fill('77120458');
	await page.getByLabel('暗証番号（確認）').fill('77120458');
	await page.getByRole('button', { name: '追加する' }).click();
	await expect(page.getByRole('heading', { name: 'この端末の担当者を追加' })).toHaveCount(0);

	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	await page.getByLabel('担当者コード').fill('N002');
	await page.getByLabel('暗証番号').fill('77120458');
	await page.getByRole('button', { name: 'ロック解除' }).click();
	await expect(page.locator('.bar .operator')).toHaveText('N002');
});
