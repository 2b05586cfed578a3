import { expect, test } from '@playwright/test';
import { pgliteRows } from '../helpers/ledger-rows';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

test('a second operator is added, unlocks with their own PIN, and their records carry their staff code', async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);

	await page.getByRole('button', { name: '担当者を追加' }).click();
	await page.getByLabel('担当者コード').fill('N001');
	await page.getByLabel('暗証番号', { exact: true }).fill('771204');
	await page.getByLabel('暗証番号（確認）').fill('771204');
	await page.getByRole('button', { name: '追加する' }).click();
	await expect(page.getByRole('alert')).toContainText('登録済み');
	await page.getByLabel('担当者コード').fill('N002');
	await page.getByLabel('暗証番号', { exact: true }).fill('771204');
	await page.getByLabel('暗証番号（確認）').fill('771204');
	await page.getByRole('button', { name: '追加する' }).click();
	// Wrapping the key for the new PIN takes a slow KDF: the form closes once it is stored.
	await expect(page.getByRole('heading', { name: 'この端末の担当者を追加' })).toHaveCount(0);

	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	await page.getByLabel('担当者コード').fill('N002');
	await page.getByLabel('暗証番号').fill('771204');
	await page.getByRole('button', { name: 'ロック解除' }).click();
	await expect(page.locator('.bar .operator')).toHaveText('N002');
	await scanTicket(page, '111310160000012345');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);

	await server.stop();
	expect(await pgliteRows(server.dataDir, "SELECT payload->>'operator' AS operator FROM dose_events")).toEqual([
		{ operator: 'N002' }
	]);
});
