import { expect, test } from '@playwright/test';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

test('a revoked tablet is cut off and wipes its keys and records', async ({ page }) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await scanTicket(page, '111310160000012345');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);

	const admin = await OfficeClient.login(server.url);
	const { devices } = await admin.json<{ devices: { id: string }[] }>('GET', '/api/admin/devices');
	expect((await admin.request(`/api/admin/devices/${devices[0]!.id}/revoke`, { method: 'POST' })).status).toBe(200);

	await expect(page.getByRole('alert')).toContainText('この端末は無効化されたため');
	await expect(page.getByLabel('登録コード')).toBeVisible();
	// Nothing of the device is left in IndexedDB: no keys, no events, no updates.
	const counts = await page.evaluate(
		() =>
			new Promise<number[]>((resolve, reject) => {
				const open = indexedDB.open('vaccination-station');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const names = ['meta', 'events', 'updates', 'receipts'].filter((n) => db.objectStoreNames.contains(n));
					if (names.length < 4) return resolve([-1]);
					const tx = db.transaction(names);
					Promise.all(
						names.map(
							(n) =>
								new Promise<number>((ok) => {
									const r = tx.objectStore(n).count();
									r.onsuccess = () => ok(r.result);
								})
						)
					).then(resolve, reject);
				};
			})
	);
	expect(counts).toEqual([0, 0, 0, 0]);
});
