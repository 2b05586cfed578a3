import { expect, test, type Page } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, scanTicket, unlockStation } from './station-steps';

// The idle time is the deployment's setting, sent to devices at each connection.
const server = useServer((info): Record<string, string> =>
	info.title.includes('idle') ? { LOCK_IDLE_MINUTES: '2' } : {}
);

/** Every record of every object store of the station's IndexedDB, binary as Latin-1 text. */
function rawIndexedDb(page: Page): Promise<string> {
	return page.evaluate(
		() =>
			new Promise<string>((resolve, reject) => {
				const open = indexedDB.open('vaccination-station');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const names = Array.from(db.objectStoreNames);
					const tx = db.transaction(names);
					const dump = (v: unknown): string => {
						if (v instanceof Uint8Array) return String.fromCharCode(...v);
						if (v instanceof ArrayBuffer) return String.fromCharCode(...new Uint8Array(v));
						if (Array.isArray(v)) return v.map(dump).join('|');
						if (v && typeof v === 'object')
							return Object.entries(v)
								.map(([k, x]) => `${k}=${dump(x)}`)
								.join(';');
						return String(v);
					};
					Promise.all(
						names.map(
							(n) =>
								new Promise<string>((ok) => {
									const r = tx.objectStore(n).getAll();
									r.onsuccess = () => ok(`${n}:${r.result.map(dump).join('\n')}`);
								})
						)
					).then((parts) => resolve(parts.join('\n')), reject);
				};
			})
	);
}

test('nothing readable at rest; lock and unlock with the PIN', async ({ page }) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page, 'QZ4417');
	for (const ticket of ['111310160000012345', '121310160000067890']) {
		await scanTicket(page, ticket);
		await page.getByRole('button', { name: '記録する' }).click();
	}
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(2);
	// A My Number typed by mistake is refused and never stored either.
	await page.getByLabel('接種券番号（18桁）').fill('1234 5678 9018');
	await page.getByRole('button', { name: '確認へ進む' }).click();
	await expect(page.getByRole('alert')).toContainText('個人番号');

	const raw = await rawIndexedDb(page);
	expect(raw.length).toBeGreaterThan(1000); // the stores were read
	for (const secret of ['0000012345', '0000067890', 'QZ4417', '123456789018', '1234 5678 9018'])
		expect(raw).not.toContain(secret);
	// Receipts, keys and settings are sealed too: no field of theirs is stored by name.
	for (const field of ['stateVector=', 'signature=', 'signSecret', 'boxSecret', 'screeningDoctor'])
		expect(raw).not.toContain(field);

	// Locked: nothing of the day is on screen; a wrong PIN does not open it.
	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'ロック中' })).toBeVisible();
	await expect(page.locator('.records li')).toHaveCount(0);
	await unlockStation(page, '000000');
	await expect(page.getByRole('alert')).toContainText('正しくありません');
	await unlockStation(page);
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(2);
	await expect(page.getByTestId('session-summary')).toContainText('QZ4417');
});

test('locks after the configured idle minutes (2 here) and when the page is hidden', async ({ page }) => {
	await page.clock.install();
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await expect(page.getByLabel('接種券番号（18桁）')).toBeVisible();
	await expect(page.getByTestId('sync-indicator')).toContainText('オンライン'); // policy received

	await page.clock.fastForward('01:50');
	await expect(page.getByLabel('接種券番号（18桁）')).toBeVisible();
	await page.getByLabel('接種券番号（18桁）').press('1'); // activity restarts the idle timer
	await page.clock.fastForward('01:50');
	await expect(page.getByLabel('接種券番号（18桁）')).toBeVisible();
	await page.clock.fastForward('00:20');
	await expect(page.getByRole('heading', { name: 'ロック中' })).toBeVisible();

	await unlockStation(page);
	await expect(page.getByLabel('接種券番号（18桁）')).toBeVisible();
	await page.evaluate(() => {
		Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
	});
	await expect(page.getByRole('heading', { name: 'ロック中' })).toBeVisible();
});
