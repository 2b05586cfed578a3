/**
 * Photographs every station screen, landscape (1280×800) and portrait (800×1280), from the real
 * app and server, to look at after changing them (issue 15):
 *   node --import tsx test/e2e/station-screenshots.ts [output directory]
 * Screens: enrolment, day settings, recording, confirmation, saved, a record opened, close of day
 * (counts, confirmation, closed with reopen), refused records. Not a test: it only drives
 * the app into each state and photographs it (settings-screenshots.ts adds the lot-master
 * warning and the lock screen).
 */
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './chromium';
import { buildClientIfStale } from '../../sync-server/cli/build-client';
import { issueEnrolmentCode, ROOT, startServerProcess } from '../helpers/server-process';
import { enrolStation, fillSession, PIN, scanTicket, STAFF } from './station-steps';

await buildClientIfStale(ROOT);
const out = process.argv[2] ?? `${ROOT}/test-results/screens`;
const server = await startServerProcess();
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
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
		const shot = (screen: string, full = false) =>
			page.screenshot({ path: `${out}/${screen}-${name}.png`, fullPage: full });
		await page.goto(server.url);
		await page.getByLabel('登録コード').fill(await issueEnrolmentCode(server.url));
		await page.getByLabel('担当者コード').fill(STAFF);
		await page.getByLabel('暗証番号', { exact: true }).fill(PIN);
		await page.getByLabel('暗証番号（確認）').fill(PIN);
		await shot('enrol');
		await page.getByRole('button', { name: 'この端末を登録する' }).click();
		await page.getByLabel('ワクチン').waitFor();
		await shot('settings', true);
		await fillSession(page);
		await record(page, '111310160000000012');
		await shot('saved');
		await record(page, '121310160000000013');
		await shot('recording', true);
		await scanTicket(page, '111310160000000014');
		await page.getByRole('button', { name: '記録する' }).waitFor();
		await shot('confirm');
		await page.getByRole('button', { name: '戻る' }).click();
		await page.locator('.records li').first().click();
		await page.getByRole('dialog').waitFor();
		await shot('record-open');
		await page.keyboard.press('Escape');
		await page.getByRole('button', { name: '本日の締め', exact: true }).click();
		await page.getByLabel('予診票の枚数').fill('3');
		await shot('close-counts', true);
		await page.getByRole('button', { name: '確認へ進む' }).click();
		await shot('close-confirm', true);
		await page.getByRole('button', { name: '締める', exact: true }).click();
		await page.getByRole('status').filter({ hasText: '締め済み' }).first().waitFor();
		await shot('closed', true);
		await page.getByRole('button', { name: '記録に戻る' }).click();
		await page.getByRole('button', { name: '締めを取り消して記録を再開する' }).click();
		await shot('closed-reopen', true);
		await context.close();

		// Refused records: a tablet whose clock runs two days ahead records a dose the server
		// refuses (SERVICE_DAY_FUTURE); the station lists it with its reason.
		const ahead = await browser.newContext({ viewport: { width, height }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
		const tablet = await ahead.newPage();
		await tablet.clock.install({ time: new Date(Date.now() + 2 * 86_400_000) });
		await tablet.goto(server.url);
		await enrolStation(tablet, await issueEnrolmentCode(server.url));
		await fillSession(tablet);
		await record(tablet, '111310160000000011');
		await tablet.getByTestId('refused-records').waitFor();
		await tablet.screenshot({ path: `${out}/refused-${name}.png`, fullPage: true });
		await ahead.close();
	}
} finally {
	await browser.close();
	await server.cleanup();
}

async function record(page: Page, ticket: string): Promise<void> {
	await scanTicket(page, ticket);
	await page.getByRole('button', { name: '記録する' }).click();
	await page.getByRole('status').filter({ hasText: '記録しました' }).waitFor();
}
