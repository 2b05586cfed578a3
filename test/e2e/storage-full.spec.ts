import { expect, test } from '@playwright/test';
import { pgliteRows } from '../helpers/ledger-rows';
import { issueEnrolmentCode } from '../helpers/server-process';
import { storedRows } from './save-probes';
import { boundQuota, fillDisk, freeDisk } from './disk-full';
import { enrolStation, fillSession, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

/*
 * The device runs out of storage: IndexedDB refuses the save with QuotaExceededError (Chromium's
 * own quota check, the origin's quota lowered through the DevTools protocol). The station says
 * so in plain Japanese, keeps nothing of that person, and saves normally once space is back.
 */

const server = useServer();

const FIRST = '111310160000000201';
const SECOND = '111310160000000202';

test('a full disk refuses the save with a clear message, keeps nothing half-written, and the retry saves once', async ({
	page,
	context
}) => {
	const cdp = await context.newCDPSession(page);
	const origin = new URL(server.url).origin;
	await boundQuota(cdp, origin);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await scanTicket(page, FIRST);
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);
	const before = await storedRows(page);

	await fillDisk(page, cdp, origin);

	await scanTicket(page, SECOND);
	await page.getByRole('button', { name: '記録する' }).click();
	const alert = page.getByRole('alert').filter({ hasText: '保存容量が足りない' });
	await expect(alert).toBeVisible();
	await expect(alert).toContainText('この方の記録は保存されていません');
	await expect(alert).toContainText('紙に記録');
	await expect(alert).toContainText('責任者に連絡');
	// Nothing of the second person on the device, and the confirmation is still there to retry.
	await expect(page.locator('.records li')).toHaveCount(1);
	expect(await storedRows(page)).toEqual(before);
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*000\s*202/);

	// Space again (the supervisor freed it): the same confirmation saves, and syncs once.
	await freeDisk(cdp, origin);
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByRole('status').filter({ hasText: '記録しました' })).toBeVisible();
	await expect(page.getByRole('alert')).toHaveCount(0);
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(2);
	expect(await storedRows(page)).toEqual({ events: before.events + 1, updates: before.updates + 1 });

	await server.stop();
	const rows = await pgliteRows<{ ticket_number: string }>(
		server.dataDir,
		'SELECT ticket_number FROM dose_events ORDER BY ticket_number'
	);
	expect(rows.map((r) => r.ticket_number)).toEqual(['0000000201', '0000000202']);
});

test('the message is in English too', async ({ page, context }) => {
	const cdp = await context.newCDPSession(page);
	const origin = new URL(server.url).origin;
	await boundQuota(cdp, origin);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await fillDisk(page, cdp, origin);
	await scanTicket(page, FIRST);
	await page.getByRole('button', { name: 'English' }).click();
	await page.getByRole('button', { name: 'Save record' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'out of storage space' })).toContainText(
		'nothing was saved for this person'
	);
});
