/**
 * Photographs the day settings (with a lot master warning) and the lock screen, landscape and
 * portrait, from the real app and server, to look at after changing them (issue 15):
 *   node --import tsx test/e2e/settings-screenshots.ts [output directory]
 * Not a test: it only drives the app into the state and photographs it.
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './chromium';
import { buildClientIfStale } from '../../sync-server/cli/build-client';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode, ROOT, startServerProcess } from '../helpers/server-process';
import { cartonCode, enrolStation, scanLot } from './station-steps';

await buildClientIfStale(ROOT);
const out = process.argv[2] ?? `${ROOT}/test-results/screens`;
const server = await startServerProcess();
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
	const admin = await OfficeClient.login(server.url);
	await admin.request('/api/admin/lots', {
		method: 'PUT',
		body: { product: 'comirnaty', lot: 'LM2024', expiry: '2030-06-30', sites: ['V001'] }
	});
	for (const [name, width, height] of [
		['landscape', 1280, 800],
		['portrait', 800, 1280]
	] as const) {
		const context = await browser.newContext({
			viewport: { width, height },
			locale: 'ja-JP',
			timezoneId: 'Asia/Tokyo'
		});
		const page = await context.newPage();
		await page.goto(server.url);
		await enrolStation(page, await issueEnrolmentCode(server.url));
		await page.getByLabel('納品されたロットから選ぶ').waitFor();
		await page.getByLabel('ワクチン').selectOption('comirnaty');
		await scanLot(page, cartonCode('NEW001', '301231'));
		await page.getByTestId('lot-warnings').waitFor();
		await page.screenshot({ path: `${out}/settings-${name}.png`, fullPage: true });
		await page.getByLabel('このロットで記録を始めることを確認しました').check();
		await page.getByLabel('予診医コード').fill('D001');
		await page.getByLabel('接種医コード').fill('D002');
		await page.getByRole('button', { name: 'この設定で記録を始める' }).click();
		await page.getByTestId('session-summary').waitFor();
		await page.getByRole('button', { name: 'ロック', exact: true }).click();
		await page.getByTestId('lock-info').waitFor();
		await page.screenshot({ path: `${out}/lock-${name}.png` });
		await context.close();
	}
} finally {
	await browser.close();
	await server.cleanup();
}
