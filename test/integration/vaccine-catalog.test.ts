import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VACCINE_CATALOG, findProduct, type VaccineCatalog, type VaccineProduct } from '#shared/index';
import type { CatalogAnswer, CatalogImportPreview } from '#shared/office/catalog-api';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { backendEnv, BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

/**
 * The vaccine catalogue as data, on both backends: products and makers edited and imported in
 * the back office, each change a new stored version with its audit entry, refusals with their
 * codes that change nothing, stale edits refused, and the server checking device records
 * against the stored versions (a new product accepted; a dose recorded under an older version
 * still accepted after an edit that would refuse it). On PostgreSQL, a second server process
 * on the same database uses the version the first one stored.
 */

const HEADER = '製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日';
const NEW_GTIN = '09520000009014';

describe.each(BACKENDS)('vaccine catalogue on %s', (backend) => {
	let server: TestServer;
	let cleanup: () => Promise<void>;
	let admin: OfficeClient;
	let staff: OfficeClient;
	let env: Record<string, string>;

	const current = () => staff.json<CatalogAnswer>('GET', '/api/office/products');
	const putProduct = (basedOn: number, product: unknown, as = staff) =>
		as.request('/api/office/products', { method: 'PUT', body: { basedOn, product } });
	const putMaker = (basedOn: number, code: string, name: string) =>
		staff.request('/api/office/makers', { method: 'PUT', body: { basedOn, code, name } });
	const upload = (path: string, body: string | Uint8Array, query = '') =>
		staff.request(`/api/office/products/import${path}${query}`, {
			method: 'POST',
			body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
			headers: { 'content-type': 'text/csv' }
		});
	const stored = async () =>
		(await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vaccine_catalogs')).rows[0]!.n;
	const audits = async () =>
		(
			await server.ledger.db.query<{ action: string; target: string | null; detail: unknown }>(
				"SELECT action, target, detail FROM audit_log WHERE action LIKE 'catalog.%' ORDER BY seq"
			)
		).rows.map((r) => ({
			action: r.action,
			target: r.target,
			detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>
		}));
	const errorOf = async (res: Response) => ({
		status: res.status,
		...((await res.json()) as { error: { code: string; message: string; current?: number } }).error
	});
	const product = (catalog: VaccineCatalog, code: string) =>
		structuredClone(findProduct(catalog, code)!) as { -readonly [K in keyof VaccineProduct]: VaccineProduct[K] };

	beforeAll(async () => {
		const be = await backendEnv(backend);
		cleanup = be.cleanup;
		env = be.env;
		server = await startTestServer(env);
		admin = await OfficeClient.login(server.url);
		staff = await admin.createUser('staff');
	});
	afterAll(async () => {
		await server.dispose();
		await cleanup();
	});

	it('starts from the built-in catalogue as version 1', async () => {
		const c = await current();
		expect(c.version).toBe(1);
		expect(c.catalog).toEqual(JSON.parse(JSON.stringify(DEFAULT_VACCINE_CATALOG)));
	});

	it('adds a GTIN to a product as version 2 with its audit entry; a stale edit is refused and the same edit again changes nothing', async () => {
		const c = await current();
		const comirnaty = product(c.catalog, 'comirnaty');
		comirnaty.gtins = [...comirnaty.gtins, NEW_GTIN.slice(1)]; // typed as GTIN-13, stored as GTIN-14
		const res = await putProduct(1, comirnaty);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ version: 2, action: 'update' });
		const after = await current();
		expect(after.version).toBe(2);
		expect(findProduct(after.catalog, 'comirnaty')!.gtins).toEqual(['09520000001018', '09520000001025', NEW_GTIN]);
		const [entry] = await audits();
		expect(entry).toMatchObject({
			action: 'catalog.product.put',
			target: 'comirnaty',
			detail: { version: 2, basedOn: 1, action: 'update' }
		});
		expect((entry!.detail['before'] as { gtins: string[] }).gtins).toEqual(['09520000001018', '09520000001025']);

		// Someone else's edit based on version 1 now: 409, nothing stored.
		const other = product(c.catalog, 'comirnaty');
		other.name = 'コミナティ筋注（別名）';
		expect(await errorOf(await putProduct(1, other))).toMatchObject({ status: 409, code: 'CATALOG_STALE', current: 2 });
		expect(await stored()).toBe(2);
		// The first edit sent again (a retry): done already, nothing new.
		expect(await (await putProduct(1, comirnaty)).json()).toEqual({ version: 2, action: 'unchanged' });
		expect(await stored()).toBe(2);
		expect(await audits()).toHaveLength(1);
	});

	it('refuses each bad product with its code and changes nothing', async () => {
		const c = await current();
		const base = product(c.catalog, 'spikevax');
		const cases: [unknown, string][] = [
			[{ ...base, gtins: ['09520000009015'] }, 'GTIN_INVALID'],
			[{ ...base, gtins: ['09520000001018'] }, 'GTIN_TAKEN'],
			[{ ...base, gtins: ['09520000002015', '09520000002015'] }, 'GTIN_DUPLICATE'],
			[{ ...base, maker: 'nobody' }, 'MAKER_UNKNOWN'],
			[{ ...base, code: 'spike vax' }, 'CODE_FORMAT'],
			[{ ...base, name: '' }, 'NAME_REQUIRED'],
			[{ ...base, volumesMl: [] }, 'VOLUMES_INVALID'],
			[{ ...base, sites: [] }, 'SITES_INVALID'],
			[{ ...base, routes: [] }, 'ROUTES_INVALID'],
			[{ ...base, maxDoseNumber: 7 }, 'MAX_DOSE_INVALID'],
			[{ ...base, minIntervalDays: { 2: 28 } }, 'INTERVALS_INVALID'],
			[{ ...base, name: 'スパイクバックス 123456789018' }, 'MY_NUMBER'],
			[{ ...base, sites: ['left-ear'] }, 'BAD_REQUEST'],
			[{ ...base, extra: 1 }, 'BAD_REQUEST']
		];
		for (const [body, code] of cases) {
			const e = await errorOf(await putProduct(c.version, body));
			expect([e.status, e.code], JSON.stringify(body).slice(0, 80)).toEqual([400, code]);
			expect(e.message).not.toContain('123456789018');
		}
		expect(await errorOf(await putMaker(c.version, 'bad code', 'x'))).toMatchObject({
			status: 400,
			code: 'CODE_FORMAT'
		});
		expect(await errorOf(await putMaker(c.version, 'kmb', '   '))).toMatchObject({
			status: 400,
			code: 'NAME_REQUIRED'
		});
		expect(await stored()).toBe(c.version);
		expect(await current()).toEqual(c);
		expect(await audits()).toHaveLength(1);
	});

	it('adds a maker and a product, and imports a file: preview, all-or-nothing commit, idempotent', async () => {
		let c = await current();
		const maker = await putMaker(c.version, 'kmb', 'KMバイオロジクス');
		expect(await maker.json()).toEqual({ version: c.version + 1, action: 'insert' });
		c = await current();
		const newvax = {
			code: 'newvax',
			name: '新ワクチン筋注',
			maker: 'kmb',
			gtins: ['09520000009021'],
			volumesMl: [0.5],
			sites: ['left-deltoid', 'right-deltoid'],
			routes: ['intramuscular'],
			maxDoseNumber: 2,
			minIntervalDays: { 2: 28 }
		};
		expect(await (await putProduct(c.version, newvax)).json()).toEqual({ version: c.version + 1, action: 'insert' });
		c = await current();
		expect(findProduct(c.catalog, 'newvax')).toEqual(newvax);

		const file = [
			HEADER,
			'newvax,新ワクチン筋注,kmb,KMバイオロジクス,09520000009021;09520000009038,0.5,左上腕;右上腕,筋肉内注射,2,28',
			'othervax,別ワクチン皮下注,meiji-seika,,09520000009045,0.5,左上腕,皮下注射,1,',
			''
		].join('\r\n');
		const preview = (await (await upload('/preview', iconv.encode(file, 'cp932'))).json()) as CatalogImportPreview;
		expect(preview).toMatchObject({ encoding: 'shift_jis', totalLines: 2, basedOn: c.version, errors: [] });
		expect(preview.products.map((p) => [p.code, p.action, p.lines])).toEqual([
			['newvax', 'update', [2]],
			['othervax', 'insert', [3]]
		]);
		expect(await stored()).toBe(c.version);

		// A file with one bad line: nothing of it is stored, the errors come back.
		const bad = `${file}bad,壊れた行,pfizer,,09520000001018,0.3,左上腕,筋注,1,\n`;
		const refused = await upload('', bad, `?basedOn=${c.version}`);
		expect(refused.status).toBe(400);
		const body = (await refused.json()) as { error: { code: string; errors: { line: number; code: string }[] } };
		expect(body.error.code).toBe('LINE_ERRORS');
		expect(body.error.errors.map((e) => [e.line, e.code])).toEqual([[4, 'GTIN_TAKEN']]);
		expect(await stored()).toBe(c.version);

		expect((await upload('', file, `?basedOn=${c.version}&sha256=00`)).status).toBe(409);
		const commit = await upload(
			'',
			iconv.encode(file, 'cp932'),
			`?basedOn=${c.version}&sha256=${preview.sha256}&name=products.csv`
		);
		expect(await commit.json()).toMatchObject({ version: c.version + 1, inserted: 1, updated: 1, unchanged: 0 });
		const after = await current();
		expect(findProduct(after.catalog, 'othervax')).toMatchObject({
			routes: ['subcutaneous'],
			maxDoseNumber: 1,
			minIntervalDays: {}
		});
		expect(findProduct(after.catalog, 'newvax')!.gtins).toEqual(['09520000009021', '09520000009038']);
		expect((await audits()).at(-1)).toMatchObject({
			action: 'catalog.import',
			target: 'products.csv',
			detail: { version: after.version, inserted: 1, updated: 1, changed: ['newvax', 'othervax'] }
		});
		// The same file again, even naming the old version: nothing changes.
		expect(await (await upload('', file, `?basedOn=${c.version}`)).json()).toMatchObject({
			version: after.version,
			inserted: 0,
			updated: 0,
			unchanged: 2
		});
		expect(await stored()).toBe(after.version);
	});

	it('refuses a file holding a My Number whole, and files it cannot read', async () => {
		const before = await stored();
		const code = async (body: string | Uint8Array) => (await errorOf(await upload('/preview', body))).code;
		const mine = await errorOf(
			await upload('/preview', `${HEADER}\nx1,名前,pfizer,,,0.5,左上腕,筋注,1,\n,,,,,,,,,123456789018\n`)
		);
		expect(mine.code).toBe('MY_NUMBER');
		expect(mine.message).not.toContain('123456789018');
		expect(
			(await errorOf(await upload('', `${HEADER}\nx1,名前 123456789018,pfizer,,,0.5,左上腕,筋注,1,\n`, '?basedOn=1')))
				.code
		).toBe('MY_NUMBER');
		expect(await code('code,name\nA,B\n')).toBe('BAD_HEADER');
		expect(await code(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).toBe('ENCODING');
		expect(await stored()).toBe(before);
	});

	it('accepts a dose on a product added since, and keeps accepting doses recorded under an older version after an edit that would refuse them', async () => {
		const device = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'V1' }, admin)
		);
		// Recorded offline under the current catalogue: spikevax at 0.25 mL, and the product added above.
		const old = device.doseEvent({
			vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD1', expiry: '2099-12-31', volumeMl: 0.25 }
		});
		const added = device.doseEvent({
			vaccine: { product: 'othervax', maker: 'meiji-seika', lot: 'OV1', expiry: '2099-12-31', volumeMl: 0.5 },
			route: 'subcutaneous'
		});
		device.append(old);
		device.append(added);
		// Meanwhile the office drops the 0.25 mL volume from spikevax.
		const c = await current();
		const spikevax = product(c.catalog, 'spikevax');
		spikevax.volumesMl = [0.5];
		expect((await putProduct(c.version, spikevax)).status).toBe(200);
		// A new record at 0.25 mL (made under the new version it would not be) is still judged by every version: accepted too.
		device.start();
		await device.until(() => device.count('receipted') + device.count('refused') === 2);
		device.stop();
		expect([...device.events.values()].map((e) => [e.event.id, e.state, e.refusal])).toEqual([
			[old.id, 'receipted', undefined],
			[added.id, 'receipted', undefined]
		]);
		expect(await server.ledger.countDoseEvents()).toBe(2);
	});

	it('delivers the current catalogue to a device at connection, checked; a device never steps back to an older version', async () => {
		const c = await current();
		const device = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'V1c' }, admin)
		);
		device.start();
		await device.until(() => device.catalog !== null);
		device.stop();
		expect(device.catalog!.version).toBe(c.version);
		expect(device.catalog!.catalog).toEqual(c.catalog);
		expect(findProduct(device.catalog!.catalog, 'comirnaty')!.gtins).toContain(NEW_GTIN);
		expect(findProduct(device.catalog!.catalog, 'othervax')).toBeDefined();

		// Holding a newer version (from another process that had seen it first): kept, not replaced.
		const newer = { version: c.version + 100, catalog: DEFAULT_VACCINE_CATALOG };
		device.catalog = newer;
		const offers = device.catalogOffers;
		device.start();
		await device.until(() => device.catalogOffers > offers);
		device.stop();
		expect(device.catalog).toBe(newer);
	});

	it('refuses a dose no stored version allows', async () => {
		const device = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'V1b' }, admin)
		);
		const bad = device.doseEvent({
			vaccine: { product: 'nosuchvax', maker: 'pfizer', lot: 'X1', expiry: '2099-12-31', volumeMl: 0.3 }
		});
		device.append(bad);
		device.start();
		await device.until(() => device.count('refused') === 1);
		device.stop();
		expect(device.events.get(bad.id)!.refusal).toBe('EVENT_SCHEMA');
	});

	// Only PostgreSQL is shared by processes (PGlite's data directory belongs to one): defined there only, never skipped.
	if (backend === 'postgres')
		it('lets a second server process on the same database use the version the first stored', async () => {
			const second = await startTestServer(env);
			try {
				const other = await OfficeClient.login(second.url);
				const before = await other.json<CatalogAnswer>('GET', '/api/office/products');
				expect(before).toEqual(await current());
				// The first process stores a new version; the second reads it at its next use.
				const c = await current();
				const kostaive = product(c.catalog, 'kostaive');
				kostaive.gtins = [...kostaive.gtins, '09520000009052'];
				expect((await putProduct(c.version, kostaive)).status).toBe(200);
				const seen = await other.json<CatalogAnswer>('GET', '/api/office/products');
				expect(seen.version).toBe(c.version + 1);
				expect(findProduct(seen.catalog, 'kostaive')!.gtins).toContain('09520000009052');
				// A product the first process added is accepted by the second's ingest, which had not seen it.
				const newer = await current();
				const freshvax = {
					code: 'freshvax',
					name: '追加ワクチン',
					maker: 'pfizer',
					gtins: [],
					volumesMl: [0.3],
					sites: ['left-deltoid'],
					routes: ['intramuscular'],
					maxDoseNumber: 1,
					minIntervalDays: {}
				};
				expect((await putProduct(newer.version, freshvax)).status).toBe(200);
				const device = await MemoryDevice.enrol(
					await issueEnrolmentCode(second.url, { setting: 'mass', siteCode: 'V002', label: 'V2' }, other)
				);
				const dose = device.doseEvent({
					vaccine: { product: 'freshvax', maker: 'pfizer', lot: 'FR1', expiry: '2099-12-31', volumeMl: 0.3 },
					siteCode: 'V002'
				});
				device.append(dose);
				device.start();
				await device.until(() => device.count('receipted') + device.count('refused') === 1);
				device.stop();
				expect(device.events.get(dose.id)!.state).toBe('receipted');
			} finally {
				await second.dispose();
			}
		});
});
