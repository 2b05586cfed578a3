import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

/**
 * The lot master in the back office, on both backends: CSV import with a preview and per-line
 * errors, My Number files refused whole, idempotent commits, edits, audit, roles, and devices
 * receiving their site's lots over sync.
 */

interface Preview {
	encoding: string;
	totalLines: number;
	errors: { line: number; column: string | null; code: string; message: string }[];
	lots: { product: string; lot: string; expiry: string; sites: string[]; action: string; lines: number[] }[];
}

const FILE = [
	'製品,ロット番号,有効期限,納品先',
	'comirnaty,FK7789,2030-03-31,V001 V002',
	// A GTIN of the catalogue names its product; a second line of the same lot adds a site.
	'09520000002015,MD0001,2030/4/30,V001',
	'spikevax,MD0001,2030-04-30,V003',
	''
].join('\r\n');

describe.each(BACKENDS)('lot master on %s', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	let staff: OfficeClient;
	let supervisor: OfficeClient;

	const upload = (as: OfficeClient, path: string, body: string | Uint8Array, query = '') =>
		as.request(`/api/office/lots/import${path}${query}`, {
			method: 'POST',
			body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
			headers: { 'content-type': 'text/csv' }
		});
	const lotRows = async () =>
		(await server.ledger.lots()).map((l) => `${l.product}/${l.lot}/${l.expiry}/${l.sites.join(' ')}`);
	const auditActions = async () =>
		(
			await server.ledger.db.query<{ action: string }>(
				"SELECT action FROM audit_log WHERE action LIKE 'lot.%' ORDER BY seq"
			)
		).rows.map((r) => r.action);

	beforeAll(async () => {
		server = await startBackendServer(backend);
		admin = await OfficeClient.login(server.url);
		staff = await admin.createUser('staff');
		supervisor = await admin.createUser('supervisor');
	});
	afterAll(async () => {
		await server.dispose();
	});

	it('previews a file line by line, imports it once, and changes nothing when it comes again', async () => {
		const preview = await upload(staff, '/preview', FILE);
		expect(preview.status).toBe(200);
		const p = (await preview.json()) as Preview;
		expect(p).toMatchObject({ encoding: 'utf-8', totalLines: 3, errors: [] });
		expect(p.lots.map((l) => [l.product, l.lot, l.expiry, l.sites, l.action, l.lines])).toEqual([
			['comirnaty', 'FK7789', '2030-03-31', ['V001', 'V002'], 'insert', [2]],
			['spikevax', 'MD0001', '2030-04-30', ['V001', 'V003'], 'insert', [3, 4]]
		]);
		expect(await lotRows()).toEqual([]);

		const first = await upload(staff, '', FILE);
		expect(first.status).toBe(200);
		expect(await first.json()).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
		expect(await lotRows()).toEqual(['comirnaty/FK7789/2030-03-31/V001 V002', 'spikevax/MD0001/2030-04-30/V001 V003']);
		const updatedAt = (
			await server.ledger.db.query<{ t: string }>("SELECT updated_at::text AS t FROM lots WHERE lot = 'FK7789'")
		).rows[0]!.t;

		// The same file in Shift_JIS with a BOM-less header: all unchanged, nothing touched.
		const again = await upload(supervisor, '', iconv.encode(FILE, 'cp932'));
		expect(await again.json()).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
		expect(
			(await server.ledger.db.query<{ t: string }>("SELECT updated_at::text AS t FROM lots WHERE lot = 'FK7789'"))
				.rows[0]!.t
		).toBe(updatedAt);
		expect(await auditActions()).toEqual(['lot.import', 'lot.import']);
	});

	it('names every bad line and column, and a file with errors changes nothing', async () => {
		const bad = [
			'ロット番号,製品,納品先,有効期限',
			'FK0001,no-such-vaccine,V001,2030-01-31',
			'ＦＫ０００２,comirnaty,V001,2030-02-30',
			'FK0003,09520000001019,,2030-01-31',
			'FK 0004,comirnaty,V001,2030-01-31',
			'FK0005,comirnaty,V001,2030-01-31',
			'FK0005,comirnaty,V002,2030-02-28',
			'FK0006,comirnaty,V001 V-002 V@3,2030-01-31'
		].join('\n');
		const p = (await (await upload(staff, '/preview', bad)).json()) as Preview;
		expect(p.errors.map((e) => [e.line, e.column, e.code])).toEqual([
			[2, '製品', 'PRODUCT_UNKNOWN'],
			[3, '有効期限', 'DATE_FORMAT'],
			[4, '製品', 'PRODUCT_UNKNOWN'],
			[4, '納品先', 'SITES_REQUIRED'],
			[5, 'ロット番号', 'LOT_FORMAT'],
			[7, '有効期限', 'EXPIRY_CONFLICT'],
			[8, '納品先', 'SITE_FORMAT']
		]);
		expect(p.errors[0]!.message).toBe('2行目「製品」: 登録されていない製品コードまたはGTINです。');
		// The valid lines are previewed (line 7 conflicts with line 6, which stays valid).
		expect(p.lots.map((l) => [l.lot, l.lines])).toEqual([['FK0005', [6]]]);
		const before = await lotRows();
		const commit = await upload(staff, '', bad);
		expect(commit.status).toBe(400);
		expect(((await commit.json()) as { error: { code: string } }).error.code).toBe('LINE_ERRORS');
		expect(await lotRows()).toEqual(before);
	});

	it('refuses a file holding a My Number whole, and files it cannot read', async () => {
		const code = async (body: string | Uint8Array) =>
			((await (await upload(staff, '/preview', body)).json()) as { error: { code: string; message: string } }).error;
		const myNumber = await code('製品,ロット番号,有効期限,納品先\ncomirnaty,FK9,2030-01-31,V001 123456789018\n');
		expect(myNumber.code).toBe('MY_NUMBER');
		expect(myNumber.message).not.toContain('123456789018');
		expect((await code('lot,expiry\nA,B\n')).code).toBe('BAD_HEADER');
		expect((await code('製品,ロット番号,有効期限,納品先\n"comirnaty,FK9\n')).code).toBe('CSV_MALFORMED');
		expect((await code(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).code).toBe('ENCODING');
		expect((await code('製品,ロット番号,有効期限,納品先\n')).code).toBe('EMPTY_FILE');
		expect((await upload(staff, '', FILE, '?sha256=00')).status).toBe(409);
	});

	it('edits a lot (expiry, delivered sites), audits it, and a device of a newly delivered site receives it', async () => {
		const put = (as: OfficeClient, body: unknown) => as.request('/api/office/lots', { method: 'PUT', body });
		const res = await put(staff, {
			product: 'comirnaty',
			lot: 'FK7789',
			expiry: '2030-05-31',
			sites: ['V004', 'V001', 'V004']
		});
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ action: 'update', lot: { sites: ['V001', 'V004'] } });
		expect((await put(staff, { product: 'comirnaty', lot: 'FK7789', expiry: '2030-05-31', sites: [] })).status).toBe(
			400
		);
		expect(
			(await put(staff, { product: 'comirnaty', lot: 'FK7789', expiry: '2030-13-01', sites: ['V001'] })).status
		).toBe(400);
		expect(await lotRows()).toContain('comirnaty/FK7789/2030-05-31/V001 V004');
		const audit = (
			await server.ledger.db.query<{ target: string; detail: unknown }>(
				"SELECT target, detail FROM audit_log WHERE action = 'lot.put'"
			)
		).rows;
		expect(audit).toHaveLength(1);
		const detail = typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail;
		expect(audit[0]!.target).toBe('comirnaty/FK7789');
		expect(detail).toEqual({
			expiry: '2030-05-31',
			sites: ['V001', 'V004'],
			before: { expiry: '2030-03-31', sites: ['V001', 'V002'] }
		});

		const listed = await staff.json<{ lots: unknown[]; products: { code: string; gtins: string[] }[] }>(
			'GET',
			'/api/office/lots'
		);
		expect(listed.products.find((p) => p.code === 'comirnaty')!.gtins).toContain('09520000001018');

		const device = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V004', label: 'V4' }, admin)
		);
		device.start();
		await device.until(() => device.lots !== null);
		expect(device.lots).toEqual([{ product: 'comirnaty', lot: 'FK7789', expiry: '2030-05-31' }]);
		device.stop();
	});

	it('deletes a lot entered by mistake (audited; a connected device stops offering it), but not one that records name', async () => {
		const put = (lot: string) =>
			staff.request('/api/office/lots', {
				method: 'PUT',
				body: { product: 'comirnaty', lot, expiry: '2030-06-30', sites: ['V005'] }
			});
		const del = (lot: string) => staff.request(`/api/office/lots/comirnaty/${lot}`, { method: 'DELETE' });
		expect((await put('TYPO01')).status).toBe(200);
		expect((await put('INUSE1')).status).toBe(200);
		const device = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V005', label: 'V5' }, admin)
		);
		device.start();
		const offered = () => (device.lots ?? []).map((l) => l.lot).sort();
		await device.until(() => offered().join() === 'INUSE1,TYPO01');

		const res = await del('TYPO01');
		expect(res.status, await res.clone().text()).toBe(200);
		expect(await lotRows()).not.toContain('comirnaty/TYPO01/2030-06-30/V005');
		await device.until(() => offered().join() === 'INUSE1');
		const audit = (
			await server.ledger.db.query<{ target: string; detail: unknown }>(
				"SELECT target, detail FROM audit_log WHERE action = 'lot.delete'"
			)
		).rows;
		expect(audit.map((a) => [a.target, typeof a.detail === 'string' ? JSON.parse(a.detail) : a.detail])).toEqual([
			['comirnaty/TYPO01', { before: { expiry: '2030-06-30', sites: ['V005'] } }]
		]);
		const again = await del('TYPO01');
		expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([
			404,
			'LOT_UNKNOWN'
		]);

		// A dose recorded on INUSE1 reaches the ledger: the lot can no longer be deleted.
		const dose = device.doseEvent({
			vaccine: { product: 'comirnaty', maker: 'pfizer', lot: 'INUSE1', expiry: '2030-06-30', volumeMl: 0.3 }
		});
		device.append(dose);
		await device.until(() => device.count('receipted') === 1);
		device.stop();
		const inUse = await del('INUSE1');
		expect([inUse.status, ((await inUse.json()) as { error: { code: string } }).error.code]).toEqual([
			409,
			'LOT_IN_USE'
		]);
		expect(await lotRows()).toContain('comirnaty/INUSE1/2030-06-30/V005');
		expect((await server.ledger.db.query("SELECT 1 FROM audit_log WHERE action = 'lot.delete'")).rows).toHaveLength(1);
	});

	it('lets every office role read and import lots, and nobody without a session', async () => {
		for (const as of [staff, supervisor, admin]) expect((await as.request('/api/office/lots')).status).toBe(200);
		expect((await fetch(`${server.url}/api/office/lots`)).status).toBe(401);
		expect(
			(await admin.request('/api/office/doctors', { method: 'PUT', body: { code: 'D001', name: '佐藤 花子' } })).status
		).toBe(200);
		expect((await staff.request('/api/office/doctors')).status).toBe(200);
		expect((await staff.request('/api/office/sites', { method: 'PUT', body: { code: 'V001', name: '' } })).status).toBe(
			400
		);
		// A doctor's name is not copied into the audit log.
		const audit = (
			await server.ledger.db.query<{ detail: unknown }>("SELECT detail FROM audit_log WHERE action = 'doctor.put'")
		).rows;
		expect(JSON.stringify(audit)).not.toContain('佐藤');
	});
});
