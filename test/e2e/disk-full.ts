import type { CDPSession, Page } from '@playwright/test';

/**
 * A device that runs out of storage, made deterministic in Chromium. The origin's quota is set
 * through the DevTools protocol; IndexedDB then refuses writes with QuotaExceededError, as on
 * a full tablet. Chromium's IndexedDB caches the space it may still hand out (decaying over
 * 30 s) and asks the quota manager again only when a write needs more than that, so:
 * the quota starts bounded (set before the app first opens its database), and when the disk is
 * to be full a write larger than any allowance, to a scratch database, makes it ask at once.
 */

const START_QUOTA = 16 * 2 ** 20;

/** Call before the first navigation to `origin`. */
export async function boundQuota(cdp: CDPSession, origin: string): Promise<void> {
	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: START_QUOTA });
}

/** No room left: the quota becomes what the origin already uses. */
export async function fillDisk(page: Page, cdp: CDPSession, origin: string): Promise<void> {
	const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.floor(usage) });
	const refused = await page.evaluate(
		(size) =>
			new Promise<string | null>((ok, fail) => {
				const open = indexedDB.open('quota-probe', 1);
				open.onupgradeneeded = () => open.result.createObjectStore('probe', { autoIncrement: true });
				open.onerror = () => fail(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const tx = db.transaction('probe', 'readwrite');
					tx.objectStore('probe').add(new Uint8Array(size));
					tx.oncomplete = () => (db.close(), ok(null));
					tx.onabort = () => (db.close(), ok(tx.error?.name ?? 'aborted'));
				};
			}).then(
				(name) =>
					new Promise<string | null>((ok) => {
						const del = indexedDB.deleteDatabase('quota-probe');
						del.onsuccess = del.onerror = () => ok(name);
					})
			),
		START_QUOTA + 2 ** 20
	);
	if (refused !== 'QuotaExceededError') throw new Error(`the disk did not fill: probe write ${refused ?? 'succeeded'}`);
}

/** Space again (the supervisor freed some): the origin's usual quota. */
export async function freeDisk(cdp: CDPSession, origin: string): Promise<void> {
	await cdp.send('Storage.overrideQuotaForOrigin', { origin });
}
