/**
 * Makes the README's screenshot from the real app and server:
 *   npx tsx test/e2e/readme-screenshot.ts [width height output.png]
 * Not a test: it only drives the app into a typical state and photographs it.
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './chromium';
import { buildClientIfStale } from '../../sync-server/cli/build-client';
import { issueEnrolmentCode, ROOT, startServerProcess } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket } from './station-steps';

await buildClientIfStale(ROOT);
const server = await startServerProcess();
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
	const [width, height, output] = [
		Number(process.argv[2] ?? 1280),
		Number(process.argv[3] ?? 800),
		process.argv[4] ?? `${ROOT}/test/e2e/readme-screenshot.png`
	];
	const context = await browser.newContext({ viewport: { width, height }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
	const page = await context.newPage();
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	const record = async (ticket: string) => {
		await scanTicket(page, ticket);
		await page.getByRole('button', { name: '記録する' }).click();
		await page.getByRole('status').filter({ hasText: '記録しました' }).waitFor();
	};
	await record('111310160000012345');
	await record('121310160000067890');
	await page.locator('.records li[data-state="receipted"]').nth(1).waitFor();
	await context.setOffline(true);
	await record('131310160000024680');
	await scanTicket(page, '1 3 131016 0000013579');
	await page.screenshot({ path: output });
} finally {
	await browser.close();
	await server.cleanup();
}
