/**
 * Makes the README's back-office screenshot from the real app and server:
 *   npx tsx test/e2e/office-screenshot.ts [width height output.png]
 * Not a test: two simulated tablets sync a morning's doses (some tickets recorded twice, one
 * of another municipality, lots not in the master), then the review queue is photographed.
 */
import { chromium } from '@playwright/test';
import { buildClientIfStale } from '../../sync-server/cli/build-client';
import { sampleDose } from '#shared/domain/testing/fixtures';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode, ROOT, startServerProcess } from '../helpers/server-process';
import { CHROMIUM_LAUNCH } from './chromium';
import { officeLogin, passwordOf } from './office-steps';

await buildClientIfStale(ROOT);
const server = await startServerProcess();
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
	const [width, height, output] = [
		Number(process.argv[2] ?? 1280),
		Number(process.argv[3] ?? 800),
		process.argv[4] ?? `${ROOT}/test/e2e/office-screenshot.png`
	];
	const admin = await OfficeClient.login(server.url);
	await admin.json('PUT', '/api/office/lots', {
		product: 'comirnaty',
		lot: 'FA1234',
		expiry: '2099-12-31',
		sites: ['V001']
	});
	const tablets = [
		await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: '会場1 受付A' }, admin)
		),
		await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: '会場1 受付B' }, admin)
		)
	];
	const given = (minute: number) => {
		const at = Date.parse('2026-11-22T00:00:00.000Z') + minute * 60_000;
		return { givenAt: new Date(at).toISOString(), recordedAt: new Date(at + 30_000).toISOString() };
	};
	for (let i = 0; i < 12; i++)
		tablets[i % 2]!.append(tablets[i % 2]!.doseEvent(given(10 + i * 4), String(4000 + i).padStart(10, '0')));
	// The same ticket at both tables, and a ticket of another municipality.
	tablets[1]!.append(tablets[1]!.doseEvent(given(70), String(4002).padStart(10, '0')));
	tablets[0]!.append(tablets[0]!.doseEvent({ ...given(75), municipality: '131041' }, '0000007777'));
	// A lot typed in from a vial that was never delivered here.
	tablets[1]!.append(
		tablets[1]!.doseEvent(
			{ ...given(80), vaccine: { ...sampleDose().vaccine, expiry: '2099-12-31', lot: 'ZZ9999' } },
			'0000004100'
		)
	);
	for (const t of tablets) t.start();
	for (const t of tablets) await t.until(() => t.count('local') + t.count('sent') === 0);
	for (const t of tablets) t.stop();
	const supervisor = await admin.createUser('supervisor', 'kato');
	await supervisor.json('POST', '/api/office/reconciliation/run');
	const { items } = await supervisor.json<{ items: { reason: string }[] }>(
		'GET',
		'/api/office/reconciliation/items?status=open'
	);
	console.log(
		`${items.length} open items: ${[...new Set(items.map((i) => i.reason))].join(', ')}; refused ${tablets.map((t) => t.count('refused')).join('/')}`
	);

	const context = await browser.newContext({ viewport: { width, height }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
	const page = await context.newPage();
	await officeLogin(page, server.url, { username: 'kato', password: passwordOf('kato') });
	await page.getByRole('navigation').getByRole('link', { name: '照合キュー' }).click();
	await page.locator('tr[data-reason="lot-unknown"]').first().waitFor();
	await page.screenshot({ path: output });
} finally {
	await browser.close();
	await server.cleanup();
}
