import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './chromium';

/** Every file under a directory. */
async function files(dir: string): Promise<string[]> {
	const out: string[] = [];
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) out.push(...(await files(path)));
		else if (entry.isFile()) out.push(path);
	}
	return out;
}

/**
 * Why the station's data key is not also wrapped by a non-extractable WebCrypto key kept in
 * IndexedDB (README, threat model of the PIN): `extractable: false` stops the page's scripts
 * from exporting a key, not someone reading the disk. Chromium stores such a key in IndexedDB
 * with its key bytes as they are, so a copy of the profile holds it next to what it would wrap.
 * If a Chromium ever kept stored keys out of the profile (bound to the machine), this test
 * fails, and the binding becomes worth a second look.
 */
test('a non-extractable CryptoKey stored in IndexedDB lies in the profile directory in clear', async ({
	playwright
}) => {
	const profile = await mkdtemp(join(tmpdir(), 'vacc-nonextractable-'));
	const secret = randomBytes(32);
	try {
		const context = await playwright.chromium.launchPersistentContext(profile, CHROMIUM_LAUNCH);
		const page = await context.newPage();
		// A page of its own secure origin (WebCrypto and IndexedDB need one; loopback is secure): no server needed.
		await page.route('http://localhost/station-test', (route) =>
			route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>t</title>' })
		);
		await page.goto('http://localhost/station-test');
		const exportRefused = await page.evaluate(
			async (raw) => {
				const key = await crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
				const refused = await crypto.subtle.exportKey('raw', key).then(
					() => false,
					() => true
				);
				await new Promise<void>((resolve, reject) => {
					const open = indexedDB.open('keys', 1);
					open.onupgradeneeded = () => open.result.createObjectStore('keys');
					open.onerror = () => reject(open.error);
					open.onsuccess = () => {
						const tx = open.result.transaction('keys', 'readwrite');
						tx.objectStore('keys').put(key, 'wrapping-key');
						tx.oncomplete = () => {
							open.result.close();
							resolve();
						};
						tx.onerror = () => reject(tx.error);
					};
				});
				return refused;
			},
			[...secret]
		);
		expect(exportRefused).toBe(true);
		await context.close();

		const holding: string[] = [];
		for (const file of await files(profile))
			if ((await readFile(file)).includes(secret)) holding.push(file.slice(profile.length));
		expect(
			holding.some((f) => f.includes('IndexedDB')),
			`files holding the key bytes: ${holding.join(', ')}`
		).toBe(true);
	} finally {
		await rm(profile, { recursive: true, force: true });
	}
});
