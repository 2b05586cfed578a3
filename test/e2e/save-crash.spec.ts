import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { pgliteRows } from '../helpers/ledger-rows';
import { issueEnrolmentCode } from '../helpers/server-process';
import { armPause, crashTab, installSaveProbes, storedRows } from './save-probes';
import { enrolStation, fillSession, scanTicket, unlockStation } from './station-steps';
import { useServer } from './server-fixture';

/*
 * The tab dies in the middle of saving a dose. Whatever the moment, after reopening the dose is
 * either wholly there (event row, Yjs update, outbox entry; it syncs and is receipted once) or
 * not there at all: never an update without its event, nor an event the server never gets.
 */

const server = useServer();

const FIRST = '111310160000000101';
const SECOND = '111310160000000102';

async function offlineStationWithOneDose(page: Page, context: BrowserContext) {
	await installSaveProbes(page);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await page.evaluate(() => navigator.serviceWorker.ready);
	await context.setOffline(true);
	await scanTicket(page, FIRST);
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByRole('status').filter({ hasText: '記録しました' })).toBeVisible();
	expect(await storedRows(page)).toEqual({ events: 1, updates: 1 });
}

/** Scans the second ticket, presses save, and kills the tab where `point` stops it. */
async function crashWhileSaving(page: Page, context: BrowserContext, point: 'before-event-row' | 'after-commit') {
	await scanTicket(page, SECOND);
	const cdp = await context.newCDPSession(page);
	const paused = await armPause(page, cdp, point);
	// The click may not complete: the page can stop in the debugger before Playwright's own
	// post-click checks run in it; the crash ends it either way.
	const clicking = page
		.getByRole('button', { name: '記録する' })
		.click()
		.catch(() => undefined);
	await paused();
	await crashTab(page, cdp);
	await clicking;
	const next = await context.newPage();
	await next.goto(server.url);
	await unlockStation(next);
	await expect(next.getByRole('heading', { name: '本日の記録' })).toBeVisible();
	return next;
}

/** Online again: everything the station shows reaches the ledger once, and nothing else does. */
async function syncAndCompareWithLedger(page: Page, context: BrowserContext, tickets: string[]) {
	await context.setOffline(false);
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(tickets.length);
	await expect(page.getByTestId('sync-indicator')).toContainText('すべてサーバーに保存済み');
	await server.stop();
	const rows = await pgliteRows<{ ticket_number: string }>(
		server.dataDir,
		'SELECT ticket_number FROM dose_events ORDER BY ticket_number'
	);
	expect(rows.map((r) => r.ticket_number)).toEqual(tickets.map((t) => t.slice(8)));
}

test('a tab killed between the two writes of a save keeps nothing of that dose', async ({ page, context }) => {
	await offlineStationWithOneDose(page, context);
	const next = await crashWhileSaving(page, context, 'before-event-row');
	// The Yjs update had been handed to IndexedDB; the event row had not: neither survived.
	await expect(next.locator('.records li')).toHaveCount(1);
	expect(await storedRows(next)).toEqual({ events: 1, updates: 1 });
	// The station goes on: the same ticket saves normally now.
	await scanTicket(next, SECOND);
	await next.getByRole('button', { name: '記録する' }).click();
	await expect(next.getByRole('status').filter({ hasText: '記録しました' })).toBeVisible();
	await expect(next.locator('.records li')).toHaveCount(2);
	await syncAndCompareWithLedger(next, context, [FIRST, SECOND]);
});

test('a tab killed right after the save committed, before the screen said so, keeps the whole dose', async ({
	page,
	context
}) => {
	await offlineStationWithOneDose(page, context);
	const next = await crashWhileSaving(page, context, 'after-commit');
	// On disk whole: the event, the update that carries it, and the outbox entry.
	await expect(next.locator('.records li')).toHaveCount(2);
	await expect(next.locator('.records li[data-state="local"]')).toHaveCount(2);
	expect(await storedRows(next)).toEqual({ events: 2, updates: 2 });
	await expect(next.getByTestId('sync-indicator')).toContainText('未受領 2 件');
	await syncAndCompareWithLedger(next, context, [FIRST, SECOND]);
});

test('a tab closed straight after pressing save leaves the dose whole or absent', async ({ page, context }) => {
	await offlineStationWithOneDose(page, context);
	await scanTicket(page, SECOND);
	await page.getByRole('button', { name: '記録する' }).click();
	await page.close({ runBeforeUnload: false });
	const next = await context.newPage();
	await next.goto(server.url);
	await unlockStation(next);
	await expect(next.getByRole('heading', { name: '本日の記録' })).toBeVisible();
	// Either outcome is right; half of one is not.
	const rows = await storedRows(next);
	expect(rows.events).toBe(rows.updates);
	await expect(next.locator('.records li')).toHaveCount(rows.events);
	await syncAndCompareWithLedger(next, context, rows.events === 2 ? [FIRST, SECOND] : [FIRST]);
});
