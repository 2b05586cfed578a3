import { expect, test, type Page } from '@playwright/test';
import { pgliteRows } from '../helpers/ledger-rows';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket, unlockStation } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

const ticket = (n: number) => `111310160${String(n).padStart(9, '0')}`;

async function recordDose(page: Page, n: number) {
	await scanTicket(page, ticket(n));
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByRole('status').filter({ hasText: '記録しました' })).toBeVisible();
}

test('a whole offline shift of 100 doses with a reload and a tab crash, then everything is receipted', async ({
	page,
	context
}) => {
	test.setTimeout(300_000);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await page.evaluate(() => navigator.serviceWorker.ready);
	await context.setOffline(true);

	for (let n = 1; n <= 40; n++) await recordDose(page, n);
	await page.reload();
	await unlockStation(page);
	await expect(page.locator('.records li')).toHaveCount(40);

	for (let n = 41; n <= 70; n++) await recordDose(page, n);
	// The tab dies right after a save was confirmed on screen.
	const cdp = await context.newCDPSession(page);
	const crashed = page.waitForEvent('crash');
	void cdp.send('Page.crash').catch(() => undefined); // answers never: the renderer is gone
	await crashed;
	await page.close();
	const next = await context.newPage();
	await next.goto(server.url);
	await unlockStation(next);
	await expect(next.locator('.records li')).toHaveCount(70);

	for (let n = 71; n <= 100; n++) await recordDose(next, n);
	await expect(next.getByTestId('sync-indicator')).toContainText('未受領 100 件');
	await context.setOffline(false);
	await expect(next.locator('.records li[data-state="receipted"]')).toHaveCount(100, { timeout: 60_000 });

	await server.stop();
	const rows = await pgliteRows<{ n: number; tickets: number }>(
		server.dataDir,
		'SELECT count(*)::int AS n, count(DISTINCT ticket_number)::int AS tickets FROM dose_events'
	);
	expect(rows).toEqual([{ n: 100, tickets: 100 }]);
});
