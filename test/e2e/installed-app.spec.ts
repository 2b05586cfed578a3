import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { CHROMIUM_LAUNCH } from './chromium';
import { enrolStation, fillSession } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

interface ManifestIcon {
	src: string;
	sizes: string;
	type: string;
	purpose?: string;
}

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
	expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('installed app: PNG icons (192, 512, maskable, apple-touch), id, orientation, one-language name, screenshots; Chromium finds it installable', async ({
	playwright,
	request
}) => {
	// Installability is judged only outside incognito: a real profile directory.
	const profile = await mkdtemp(join(tmpdir(), 'vacc-profile-'));
	const context = await playwright.chromium.launchPersistentContext(profile, CHROMIUM_LAUNCH);
	try {
		const page = await context.newPage();
		await page.goto(server.url);
		await page.evaluate(() => navigator.serviceWorker.ready);
		const cdp = await context.newCDPSession(page);
		expect((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors).toEqual([]);
		const { data, errors } = await cdp.send('Page.getAppManifest');
		expect(errors).toEqual([]);
		const manifest = JSON.parse(data!) as {
			id: string;
			name: string;
			orientation: string;
			icons: ManifestIcon[];
			screenshots: (ManifestIcon & { form_factor: string; label: string })[];
		};
		expect(manifest.id).toBe('/');
		expect(manifest.orientation).toBe('any');
		// One language: a Japanese name with no English half.
		expect(manifest.name).toBe('接種記録');

		const png = async (src: string) => {
			const res = await request.get(new URL(src, server.url).toString());
			expect(res.status(), src).toBe(200);
			return pngSize(await res.body());
		};
		for (const [size, purpose] of [
			[192, 'any'],
			[512, 'any'],
			[512, 'maskable']
		] as const) {
			const icon = manifest.icons.find(
				(i) => i.type === 'image/png' && i.sizes === `${size}x${size}` && (i.purpose ?? 'any') === purpose
			);
			expect(icon, `${size} ${purpose}`).toBeDefined();
			expect(await png(icon!.src)).toEqual({ width: size, height: size });
		}
		for (const factor of ['wide', 'narrow']) {
			const shot = manifest.screenshots.find((s) => s.form_factor === factor);
			expect(shot, factor).toBeDefined();
			const [w, h] = shot!.sizes.split('x').map(Number);
			expect(await png(shot!.src)).toEqual({ width: w, height: h });
			expect(shot!.label).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
		}
		// An iPad takes its home-screen icon from the page, not the manifest.
		const touch = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
		expect(await png(touch!)).toEqual({ width: 180, height: 180 });
	} finally {
		await context.close();
		await rm(profile, { recursive: true, force: true });
	}
});

test("the station's service worker does not precache the office's code (its pages, chart.js) nor the install screenshots", async ({
	page
}) => {
	await page.goto(server.url);
	await page.evaluate(() => navigator.serviceWorker.ready);
	const cached = await page.evaluate(async () => {
		const out: { url: string; text: string }[] = [];
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			for (const req of await cache.keys())
				out.push({
					url: new URL(req.url).pathname,
					text: req.url.endsWith('.png') ? '' : await (await cache.match(req))!.text()
				});
		}
		return out;
	});
	const urls = cached.map((c) => c.url);
	// The station itself is there: the shell and its scripts.
	expect(urls).toContain('/');
	expect(urls.some((u) => u.startsWith('/_app/immutable/entry/'))).toBe(true);
	// chart.js (its own error message) and the office pages' strings are not.
	expect(cached.filter((c) => c.text.includes('Canvas is already in use')).map((c) => c.url)).toEqual([]);
	expect(cached.filter((c) => c.text.includes('照合キュー')).map((c) => c.url)).toEqual([]);
	expect(urls.filter((u) => u.startsWith('/screenshots/'))).toEqual([]);

	// The office still works: it loads its files from the network.
	await page.goto(new URL('/office', server.url).toString());
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

/** Makes the browser answer navigator.storage.persist()/persisted() with `granted`, counting the asks. */
const storageAnswers = (granted: boolean) => `
	window.__persistAsked = 0;
	StorageManager.prototype.persist = async function () { window.__persistAsked++; return ${granted}; };
	StorageManager.prototype.persisted = async function () { return ${granted}; };
`;

for (const granted of [false, true]) {
	test(`enrolment asks for persistent storage; the station ${granted ? 'says nothing when granted' : 'shows that the browser refused it'}`, async ({
		page
	}) => {
		await page.addInitScript(storageAnswers(granted));
		await page.goto(server.url);
		await enrolStation(page, await issueEnrolmentCode(server.url));
		await expect(page.getByLabel('ワクチン')).toBeVisible();
		expect(await page.evaluate(() => (window as unknown as { __persistAsked: number }).__persistAsked)).toBe(1);
		const notice = page.getByTestId('storage-not-persisted');
		if (granted) {
			await expect(notice).toHaveCount(0);
			return;
		}
		await expect(notice).toContainText('未送信の記録が消える可能性があります');
		// Not over the recording flow; again on the lock screen.
		await fillSession(page);
		await expect(notice).toHaveCount(0);
		await page.getByRole('button', { name: 'ロック', exact: true }).click();
		await expect(notice).toBeVisible();
	});
}

test('one station per browser profile: a second tab says so and runs no sync; it takes over when the first closes', async ({
	context
}) => {
	const first = await context.newPage();
	await first.goto(server.url);
	await enrolStation(first, await issueEnrolmentCode(server.url));
	await expect(first.getByLabel('ワクチン')).toBeVisible();

	const second = await context.newPage();
	await second.goto(server.url);
	await expect(second.getByTestId('station-elsewhere')).toContainText('別のタブ');
	// No unlock form: nothing here can open the keys or start a sync engine on the shared IndexedDB.
	await expect(second.getByLabel('暗証番号')).toHaveCount(0);

	await first.close();
	// The second tab now holds the lock: the station opens, locked (nothing is in memory).
	await expect(second.getByRole('button', { name: 'ロック解除' })).toBeVisible();
	await expect(second.getByTestId('station-elsewhere')).toHaveCount(0);
});
