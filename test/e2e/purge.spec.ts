import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket, unlockStation } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

test("a past day's receipted records leave the device; unreceipted ones stay", async ({ page, context }) => {
	await page.clock.install({ time: new Date('2026-11-21T01:00:00Z') });
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await scanTicket(page, '111310160000000001');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);

	// Yesterday's batch, fully receipted; today's has a dose still on the device.
	await page.clock.setSystemTime(new Date('2026-11-22T01:00:00Z'));
	await context.setOffline(true);
	await scanTicket(page, '111310160000000002');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li')).toHaveCount(2);

	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	await unlockStation(page);
	await expect(page.locator('.records li')).toHaveCount(1);
	await expect(page.locator('.records li')).toContainText('0000 000 002');

	// Nothing of the purged day is left in IndexedDB.
	const batches = await page.evaluate(
		() =>
			new Promise<string[]>((resolve) => {
				const open = indexedDB.open('vaccination-station');
				open.onsuccess = () => {
					const r = open.result.transaction('updates').objectStore('updates').getAll();
					r.onsuccess = () => resolve([...new Set(r.result.map((u: { batchId: string }) => u.batchId.split('/')[2]!))]);
				};
			})
	);
	expect(batches).toEqual(['2026-11-22']);
});
