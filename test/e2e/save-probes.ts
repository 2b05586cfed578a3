import type { CDPSession, Page } from '@playwright/test';

/**
 * Probes into a save in flight, for the crash and full-disk specs. They watch the page's real
 * IndexedDB calls (nothing is replaced: every call goes through) and can stop the page at an
 * exact point of a save with a `debugger` statement, where the test then kills the tab.
 */

declare global {
	var __pauseBeforeEventRow: boolean | undefined;
	var __pauseAfterSaveCommit: boolean | undefined;
}

/** Installs the probes before the app loads (they are inert until armed). */
export async function installSaveProbes(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const add = IDBObjectStore.prototype.add;
		// Between the two writes of a save: the Yjs update is requested, the event row not yet.
		IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
			if (globalThis.__pauseBeforeEventRow && this.name === 'events') {
				globalThis.__pauseBeforeEventRow = false;
				debugger;
			}
			return add.apply(this, args);
		};
		const transaction = IDBDatabase.prototype.transaction;
		// Right after a save's transaction committed, before the app hears of it.
		IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
			const tx = transaction.apply(this, args);
			const names = typeof args[0] === 'string' ? [args[0]] : [...args[0]];
			if (args[1] === 'readwrite' && names.includes('events') && names.includes('updates')) {
				tx.addEventListener('complete', () => {
					if (!globalThis.__pauseAfterSaveCommit) return;
					globalThis.__pauseAfterSaveCommit = false;
					debugger;
				});
			}
			return tx;
		};
	});
}

export type PausePoint = 'before-event-row' | 'after-commit';

/** Arms one pause; resolves once the page is stopped there. */
export async function armPause(page: Page, cdp: CDPSession, point: PausePoint): Promise<() => Promise<void>> {
	await cdp.send('Debugger.enable');
	const paused = new Promise<void>((ok) => cdp.once('Debugger.paused', () => ok()));
	await page.evaluate((p) => {
		if (p === 'before-event-row') globalThis.__pauseBeforeEventRow = true;
		else globalThis.__pauseAfterSaveCommit = true;
	}, point);
	return () => paused;
}

/** Kills the renderer (as a crash of the tab would) while it is stopped in the debugger. */
export async function crashTab(page: Page, cdp: CDPSession): Promise<void> {
	const crashed = page.waitForEvent('crash');
	void cdp.send('Page.crash').catch(() => undefined); // never answered: the renderer is gone
	await crashed;
	await page.close();
}

/** Rows in the device's stores, read raw from IndexedDB. */
export function storedRows(page: Page): Promise<{ events: number; updates: number }> {
	return page.evaluate(
		() =>
			new Promise<{ events: number; updates: number }>((ok, fail) => {
				const open = indexedDB.open('vaccination-station');
				open.onerror = () => fail(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const tx = db.transaction(['events', 'updates'], 'readonly');
					const events = tx.objectStore('events').count();
					const updates = tx.objectStore('updates').count();
					tx.oncomplete = () => {
						db.close();
						ok({ events: events.result, updates: updates.result });
					};
					tx.onerror = () => fail(tx.error);
				};
			})
	);
}
