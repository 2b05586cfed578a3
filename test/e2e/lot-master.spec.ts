import { expect, test } from '@playwright/test';
import { pgliteRows } from '../helpers/ledger-rows';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

test("the day's lot is chosen from the lots delivered to this site, synced from the lot master", async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	const put = (lot: Record<string, unknown>) => admin.request('/api/admin/lots', { method: 'PUT', body: lot });
	expect(
		(await put({ product: 'comirnaty', lot: 'LM2024', expiry: '2030-06-30', sites: ['V001', 'V002'] })).status
	).toBe(200);
	expect((await put({ product: 'comirnaty', lot: 'ELSEWH', expiry: '2030-06-30', sites: ['V999'] })).status).toBe(200);
	expect((await put({ product: 'comirnaty', lot: 'OLD001', expiry: '2020-01-31', sites: ['V001'] })).status).toBe(200);
	expect((await put({ product: 'spikevax', lot: 'MD0001', expiry: '2030-06-30', sites: ['V001'] })).status).toBe(200);
	expect((await put({ product: 'no-such-vaccine', lot: 'X1', expiry: '2030-06-30', sites: ['V001'] })).status).toBe(
		400
	);

	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await page.getByLabel('ワクチン').selectOption('comirnaty');
	const choices = page.getByLabel('納品されたロットから選ぶ').locator('option');
	// Only this site's, this product's, unexpired lots.
	await expect(choices).toHaveText(['―', 'ロット LM2024（有効期限 2030-06-30）']);
	await page.getByLabel('納品されたロットから選ぶ').selectOption({ label: 'ロット LM2024（有効期限 2030-06-30）' });
	await page.getByLabel('予診医コード').fill('D001');
	await page.getByLabel('接種医コード').fill('D002');
	await page.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await expect(page.getByTestId('session-summary')).toContainText('LM2024');

	await scanTicket(page, '111310160000012345');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);
	await server.stop();
	expect(
		await pgliteRows(
			server.dataDir,
			"SELECT payload->'vaccine'->>'lot' AS lot, payload->'vaccine'->>'expiry' AS expiry FROM dose_events"
		)
	).toEqual([{ lot: 'LM2024', expiry: '2030-06-30' }]);
});
