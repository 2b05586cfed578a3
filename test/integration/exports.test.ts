import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOf, type DoseEvent, type DoseRecordEvent } from '#shared/index';
import { newId } from '#shared/ids';
import { sampleNotVaccinated } from '#shared/domain/testing/fixtures';
import { DOSES_COLUMNS, FULL_COLUMNS } from '#shared/office/exports';
import { downloadExport, listExports } from '../../sync-server/exports/store';
import { migrate } from '../../sync-server/ledger/migrate';
import { openDatabase } from '../../sync-server/ledger/open';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS, createTestDatabase } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

/**
 * Exports of approved batches, on both ledger backends: records synced by real devices, files
 * parsed back and compared field by field, batch states, the export log and audit, encodings
 * byte by byte, refusals that change nothing, and who may export. The VRS ledger file is
 * compared byte for byte with one built here from the published column list
 * (接種記録データの確認方法), independently of the code under test.
 */

const DAY = '2026-11-22';
const at = (hhmm: string) => `${DAY}T${hhmm}:00.000+09:00`;
const jst = (hhmm: string) => `2026/11/22 ${hhmm}:00`;

/** Events of one device's day: doses, a 接種不適当, a voided dose and a corrected one. */
function shift(d: MemoryDevice, base: number) {
	const ticket = (n: number) => String(base + n).padStart(10, '0');
	const dose = (n: number, hhmm: string, over: Record<string, unknown> = {}) =>
		d.doseEvent(
			{
				givenAt: at(hhmm),
				recordedAt: at(`${hhmm.slice(0, 3)}${String(Number(hhmm.slice(3)) + 1).padStart(2, '0')}`),
				...over
			},
			ticket(n)
		) as DoseRecordEvent;
	const doses = [
		dose(1, '09:00'),
		dose(2, '09:10', {
			vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD0001', expiry: '2099-12-31', volumeMl: 0.5 }
		}),
		dose(3, '09:20'),
		dose(4, '09:30')
	];
	const { deviceId, siteCode, municipality } = d.identity;
	const notVaccinated = {
		...sampleNotVaccinated(),
		id: newId(),
		batch: d.batchFor(DAY),
		device: deviceId,
		siteCode,
		municipality,
		ticketNumber: ticket(5),
		givenAt: at('09:40'),
		recordedAt: at('09:41'),
		reason: 'other',
		reasonNote: '体調不良〜様子見'
	} as DoseEvent;
	const common = { batch: d.batchFor(DAY), device: deviceId, operator: 'N001' };
	const voided = {
		id: newId(),
		type: 'void',
		...common,
		recordedAt: at('10:00'),
		replaces: doses[2]!.id,
		reason: '二重登録'
	} as DoseEvent;
	const corrected = {
		id: newId(),
		type: 'correction',
		...common,
		recordedAt: at('10:05'),
		replaces: doses[3]!.id,
		reason: 'ロット誤り',
		record: { ...recordOf(doses[3]!)!, vaccine: { ...doses[3]!.vaccine, lot: 'FIXED01' } }
	} as DoseEvent;
	return { doses, notVaccinated, voided, corrected, all: [...doses, notVaccinated, voided, corrected] };
}

async function sync(d: MemoryDevice, events: DoseEvent[]) {
	for (const e of events) d.append(e);
	d.start();
	await d.until(() => d.count('receipted') === d.events.size);
	d.stop();
}

const decodeSjis = (b: Buffer) => iconv.decode(b, 'cp932');
const rowsOf = (text: string) => parse(text, { bom: false }) as string[][];

/** The published VRS columns of one dose, in order (接種記録データの確認方法), written out here. */
const PUBLISHED_DOSE_COLUMNS = [
	'接種履歴登録日時',
	'接種日',
	'券番号',
	'接種自治体コード',
	'接種会場名',
	'接種医師名',
	'ワクチンメーカー',
	'ワクチンロット番号'
];
/** The catalogue's highest dose number (the built-in catalogue: 6). */
const MAX_DOSE = 6;
const PUBLISHED_HEADER = [
	'個別宛名番号',
	...Array.from({ length: MAX_DOSE }, (_, i) => PUBLISHED_DOSE_COLUMNS.map((c) => `${i + 1}回目${c}`)).flat()
];

/** One dose as the VRS file writes it: the eight published values. */
interface VrsDose {
	registeredAt: string;
	date: string;
	ticket: string;
	municipality: string;
	site: string;
	doctor: string;
	maker: string;
	lot: string;
}
/** A line: empty 個別宛名番号, then each dose number's group (empty when not given). */
const vrsLine = (doses: Record<number, VrsDose>) => [
	'',
	...Array.from({ length: MAX_DOSE }, (_, i) => {
		const d = doses[i + 1];
		return d
			? [d.registeredAt, d.date, d.ticket, d.municipality, d.site, d.doctor, d.maker, d.lot]
			: Array<string>(8).fill('');
	}).flat()
];
/** The whole file as a municipal system reads it: Shift_JIS, CRLF, nothing quoted (no field needs it). */
function vrsFile(lines: string[][]): Buffer {
	for (const l of [PUBLISHED_HEADER, ...lines]) for (const f of l) expect(f).not.toMatch(/[",\r\n]/);
	return iconv.encode([PUBLISHED_HEADER, ...lines].map((l) => l.join(',') + '\r\n').join(''), 'cp932');
}

describe.each(BACKENDS)('exports on %s', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	let supervisor: OfficeClient;
	let staff: OfficeClient;
	const devices: Record<'a' | 'b' | 'c', MemoryDevice> = {} as never;
	const shifts: Record<'a' | 'b' | 'c', ReturnType<typeof shift>> = {} as never;

	const setState = (batch: string, state: string) =>
		server.ledger.db.query('UPDATE batches SET state = $2 WHERE id = $1', [batch, state]);
	const states = async () =>
		Object.fromEntries(
			(await server.ledger.db.query<{ id: string; state: string }>('SELECT id, state FROM batches')).rows.map((r) => [
				r.id,
				r.state
			])
		);
	const post = (as: OfficeClient, body: Record<string, unknown>) =>
		as.request('/api/office/exports', { method: 'POST', body });
	const exportCount = async () =>
		(await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM exports')).rows[0]!.n;
	const errorOf = async (res: Response) =>
		((await res.json()) as { error: Record<string, unknown> & { code: string; message: string } }).error;
	/** A device of its own at a site, and its doses synced (events made by `make` for that device). */
	async function deviceWith(siteCode: string, make: (d: MemoryDevice) => DoseEvent[]) {
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode, label: siteCode }, admin)
		);
		const events = make(d);
		await sync(d, events);
		return { device: d, events };
	}
	/** A dose of `ticket` on `day` (given 10:00 JST, recorded 10:00:30), dose number n, of a municipality. */
	const doseOn = (
		d: MemoryDevice,
		day: string,
		ticket: string,
		n: number,
		municipality = '131016',
		over: Record<string, unknown> = {}
	) =>
		d.doseEvent(
			{
				batch: d.batchFor(day),
				givenAt: `${day}T01:00:00.000Z`,
				recordedAt: `${day}T01:00:30.000Z`,
				municipality,
				otherMunicipality: municipality !== '131016',
				doseNumber: n,
				ticketDose: n,
				...over
			},
			ticket
		) as DoseRecordEvent;

	beforeAll(async () => {
		server = await startBackendServer(backend);
		admin = await OfficeClient.login(server.url);
		supervisor = await admin.createUser('supervisor');
		staff = await admin.createUser('staff');
		devices.a = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'A' }, admin)
		);
		devices.b = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V002', label: 'B' }, admin)
		);
		devices.c = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'C' }, admin)
		);
		shifts.a = shift(devices.a, 1000);
		shifts.b = shift(devices.b, 2000);
		shifts.c = shift(devices.c, 3000);
		for (const k of ['a', 'b', 'c'] as const) await sync(devices[k], shifts[k].all);
		// Until the reconciliation API approves batches in these tests, states are set as it would.
		await setState(devices.a.batchFor(DAY), 'approved');
		await setState(devices.b.batchFor(DAY), 'approved');
		// Batch c stays open (its device has not closed it), so it is not exported.
	});
	afterAll(async () => {
		await server.dispose();
	});

	it('lets only supervisors export or read exports', async () => {
		for (const as of [staff, admin]) {
			expect((await post(as, { layout: 'vrs', encoding: 'shift_jis' })).status).toBe(403);
			expect((await as.request('/api/office/exports')).status).toBe(403);
			expect((await as.request('/api/office/exports/pending')).status).toBe(403);
		}
		expect((await supervisor.request('/api/office/exports')).status).toBe(200);
	});

	it('refuses an export whose site or doctor names are unknown, and changes nothing', async () => {
		const before = await states();
		const res = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis' });
		expect(res.status).toBe(409);
		const body = (await res.json()) as { error: { code: string; missing: { sites: string[]; doctors: string[] } } };
		expect(body.error.code).toBe('NAMES_MISSING');
		expect(body.error.missing).toEqual({ sites: ['V001', 'V002'], doctors: ['D002'] });
		expect(await states()).toEqual(before);
		expect((await supervisor.json<{ exports: unknown[] }>('GET', '/api/office/exports')).exports).toEqual([]);

		// Names are set in the lot master's screens; an unknown character for Shift_JIS is refused.
		for (const [kind, code, name] of [
			['sites', 'V001', '中央体育館〜第1会場'],
			['sites', 'V002', '𠮷田公民館'],
			['doctors', 'D001', '佐藤 花子'],
			['doctors', 'D002', '髙橋 一郎']
		] as const) {
			expect((await staff.request(`/api/office/${kind}`, { method: 'PUT', body: { code, name } })).status).toBe(200);
		}
		for (const layout of ['vrs', 'doses']) {
			const sjis = await post(supervisor, { layout, encoding: 'shift_jis' });
			expect(sjis.status).toBe(422);
			const refusal = await errorOf(sjis);
			expect(refusal.code).toBe('UNENCODABLE');
			expect(refusal.message).toContain('U+20BB7');
			expect(refusal.column).toBe(layout === 'vrs' ? '1回目接種会場名' : '接種会場名');
			expect(await states()).toEqual(before);
		}
		expect(await exportCount()).toBe(0);
		expect(
			(await staff.request('/api/office/sites', { method: 'PUT', body: { code: 'V002', name: '吉田公民館' } })).status
		).toBe(200);
	});

	it('keeps the per-dose list (接種一覧) as it was: one line per active dose, Shift_JIS, and marks the batches exported', async () => {
		const pending = await supervisor.json<{ batches: { id: string; doses: number }[]; rows: number; missing: unknown }>(
			'GET',
			'/api/office/exports/pending?layout=doses'
		);
		expect(pending.batches.map((b) => b.id).sort()).toEqual([devices.a.batchFor(DAY), devices.b.batchFor(DAY)].sort());
		expect(pending.rows).toBe(6);

		const res = await post(supervisor, { layout: 'doses', encoding: 'shift_jis' });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=Shift_JIS');
		const fileName = '接種記録_接種一覧_20261122-20261122_SJIS.csv';
		expect(res.headers.get('content-disposition')).toBe(
			`attachment; filename="vaccinations_doses_20261122-20261122_SJIS.csv"; filename*=UTF-8''${encodeURIComponent(fileName)}`
		);
		const bytes = Buffer.from(await res.arrayBuffer());
		const sha = createHash('sha256').update(bytes).digest('hex');
		expect(res.headers.get('x-export-sha256')).toBe(sha);

		// Bytes: no BOM, Shift_JIS header, CRLF on every line, the wave dash as CP932's 0x8160, no '?'.
		expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
		expect(bytes.subarray(0, 16).equals(iconv.encode('接種履歴登録日時', 'cp932'))).toBe(true);
		const text = decodeSjis(bytes);
		expect(text.endsWith('\r\n')).toBe(true);
		expect(text.split('\r\n').every((l) => !l.includes('\n'))).toBe(true);
		expect(bytes.includes(Buffer.from([0x81, 0x60]))).toBe(true);
		expect(bytes.includes(0x3f)).toBe(false);

		const [header, ...rows] = rowsOf(text);
		expect(header).toEqual([...DOSES_COLUMNS]);
		expect(header).toEqual(PUBLISHED_DOSE_COLUMNS);
		// Doses 1, 2 and the corrected 4 of each approved batch; not the voided 3, not 接種不適当, not batch c.
		const expected = (['a', 'b'] as const).flatMap((k) => {
			const s = shifts[k];
			const site = k === 'a' ? '中央体育館～第1会場' : '吉田公民館';
			return [
				[
					jst('09:01'),
					'2026/11/22',
					s.doses[0]!.ticketNumber,
					'131016',
					site,
					'髙橋 一郎',
					'ファイザー',
					s.doses[0]!.vaccine.lot
				],
				[jst('09:11'), '2026/11/22', s.doses[1]!.ticketNumber, '131016', site, '髙橋 一郎', 'モデルナ', 'MD0001'],
				[jst('09:31'), '2026/11/22', s.doses[3]!.ticketNumber, '131016', site, '髙橋 一郎', 'ファイザー', 'FIXED01']
			];
		});
		expect(rows).toEqual(expected);

		const s = await states();
		expect(s[devices.a.batchFor(DAY)]).toBe('exported');
		expect(s[devices.b.batchFor(DAY)]).toBe('exported');
		expect(s[devices.c.batchFor(DAY)]).toBe('open');

		const history = (
			await supervisor.json<{
				exports: {
					id: string;
					layout: string;
					rows: number;
					sha256: string;
					createdBy: string;
					encoding: string;
					fileName: string;
					municipality: string | null;
				}[];
			}>('GET', '/api/office/exports')
		).exports;
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({
			layout: 'doses',
			rows: 6,
			sha256: sha,
			createdBy: supervisor.user.username,
			encoding: 'shift_jis',
			fileName,
			municipality: null
		});
		const audit = (
			await server.ledger.db.query<{ action: string; target: string; detail: Record<string, unknown> | string }>(
				"SELECT action, target, detail FROM audit_log WHERE action LIKE 'export.%'"
			)
		).rows;
		expect(audit).toHaveLength(1);
		const detail = typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail;
		expect(audit[0]).toMatchObject({ action: 'export.doses', target: history[0]!.id });
		expect(detail).toMatchObject({ rows: 6, sha256: sha, encoding: 'shift_jis', reexport: false });
		expect((detail.batchIds as string[]).sort()).toEqual([devices.a.batchFor(DAY), devices.b.batchFor(DAY)].sort());
		// Never row contents in the audit log.
		for (const r of expected) expect(JSON.stringify(detail)).not.toContain(r[2]);

		// Nothing approved is left for this layout: a second export is refused; the stored file comes back byte for byte.
		expect((await post(supervisor, { layout: 'doses', encoding: 'shift_jis' })).status).toBe(409);
		const again = await supervisor.request(`/api/office/exports/${history[0]!.id}/file`);
		expect(again.status).toBe(200);
		expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
	});

	it('writes the VRS ledger file as published: one line per ticket, byte for byte, from batches another layout already exported', async () => {
		// Batches a and b went out in the dose list, never in a VRS file: they wait for it, with their lines.
		const pending = await supervisor.json<{
			batches: { id: string; state: string; municipalityDoses: number }[];
			rows: number;
			municipality: string;
			home: string;
			municipalities: unknown[];
		}>('GET', '/api/office/exports/pending?layout=vrs');
		expect(pending.batches.map((b) => [b.id, b.state, b.municipalityDoses]).sort()).toEqual(
			[
				[devices.a.batchFor(DAY), 'exported', 3],
				[devices.b.batchFor(DAY), 'exported', 3]
			].sort()
		);
		expect(pending).toMatchObject({
			rows: 6,
			municipality: '131016',
			home: '131016',
			municipalities: [{ code: '131016', lines: 6, batches: 2 }]
		});

		const res = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis' });
		expect(res.status).toBe(200);
		const fileName = '接種記録_VRS形式_131016_20261122-20261122_SJIS.csv';
		expect(res.headers.get('content-disposition')).toBe(
			`attachment; filename="vaccinations_vrs_131016_20261122-20261122_SJIS.csv"; filename*=UTF-8''${encodeURIComponent(fileName)}`
		);
		expect(res.headers.get('x-export-rows')).toBe('6');
		const bytes = Buffer.from(await res.arrayBuffer());

		// The same file built here from the published column list and the doses the devices sent.
		const lines = (['a', 'b'] as const).flatMap((k) => {
			const s = shifts[k];
			const site = k === 'a' ? '中央体育館～第1会場' : '吉田公民館';
			const one = (d: DoseRecordEvent, registeredAt: string, maker: string, lot: string) =>
				vrsLine({
					1: {
						registeredAt,
						date: '20261122',
						ticket: d.ticketNumber,
						municipality: '131016',
						site,
						doctor: '髙橋 一郎',
						maker,
						lot
					}
				});
			return [
				one(s.doses[0]!, '20261122090100', 'ファイザー', s.doses[0]!.vaccine.lot),
				one(s.doses[1]!, '20261122091100', 'モデルナ', 'MD0001'),
				one(s.doses[3]!, '20261122093100', 'ファイザー', 'FIXED01')
			];
		});
		const expected = vrsFile(lines);
		expect(bytes.toString('hex')).toBe(expected.toString('hex'));
		expect(decodeSjis(bytes).split('\r\n')[0]!.split(',')).toHaveLength(1 + 8 * MAX_DOSE);

		const history = (
			await supervisor.json<{
				exports: {
					id: string;
					layout: string;
					municipality: string | null;
					rows: number;
					fileName: string;
					reexport: boolean;
				}[];
			}>('GET', '/api/office/exports')
		).exports;
		expect(history[0]).toMatchObject({ layout: 'vrs', municipality: '131016', rows: 6, fileName, reexport: false });
		const audit = (
			await server.ledger.db.query<{ action: string; detail: Record<string, unknown> | string }>(
				"SELECT action, detail FROM audit_log WHERE action = 'export.vrs'"
			)
		).rows;
		expect(audit).toHaveLength(1);
		expect(typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail).toMatchObject({
			municipality: '131016',
			rows: 6,
			reexport: false
		});

		// Both batches are now in a VRS file for 131016: nothing is left; the file downloads again byte for byte.
		const none = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis' });
		expect(none.status).toBe(409);
		expect((await errorOf(none)).code).toBe('NOTHING_TO_EXPORT');
		expect(
			(
				await supervisor.json<{ batches: unknown[]; municipalities: unknown[] }>(
					'GET',
					'/api/office/exports/pending?layout=vrs'
				)
			).municipalities
		).toEqual([{ code: '131016', lines: 0, batches: 0 }]);
		const again = await supervisor.request(`/api/office/exports/${history[0]!.id}/file`);
		expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
	});

	it('re-exports explicitly in the full layout, UTF-8 with BOM, with every record and field', async () => {
		await setState(devices.c.batchFor(DAY), 'approved');
		const res = await post(supervisor, {
			layout: 'full',
			encoding: 'utf-8-bom',
			includeExported: true,
			siteCode: 'V001',
			from: DAY,
			to: DAY
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=UTF-8');
		const bytes = Buffer.from(await res.arrayBuffer());
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = bytes.subarray(3).toString('utf8');
		expect(text.split('\r\n').every((l) => !l.includes('\n'))).toBe(true);
		const [header, ...rows] = rowsOf(text);
		expect(header).toEqual([...FULL_COLUMNS]);
		const col = (row: string[], name: (typeof FULL_COLUMNS)[number]) => row[FULL_COLUMNS.indexOf(name)];
		// Site V001 only: batches a (already exported) and c (approved); five records each.
		expect(rows).toHaveLength(10);
		expect(new Set(rows.map((r) => col(r, 'バッチID')))).toEqual(
			new Set([devices.a.batchFor(DAY), devices.c.batchFor(DAY)])
		);

		const s = shifts.a;
		const byRecord = new Map(rows.map((r) => [col(r, '記録ID'), r]));
		const first = byRecord.get(s.doses[0]!.id)!;
		const d0 = s.doses[0]!;
		expect(Object.fromEntries(FULL_COLUMNS.map((c, i) => [c, first[i]]))).toEqual({
			記録ID: d0.id,
			現在の版のイベントID: d0.id,
			版数: '1',
			状態: '有効',
			結果: '接種済',
			バッチID: devices.a.batchFor(DAY),
			端末ID: devices.a.identity.deviceId,
			実施日: '2026/11/22',
			接種自治体コード: '131016',
			市町村コード: d0.municipality,
			券番号: d0.ticketNumber,
			券種: '1',
			接種券の回数: '1',
			接種回数: '1',
			接種日時: jst('09:00'),
			接種区分: '集団',
			'会場・医療機関コード': 'V001',
			'会場・医療機関名': '中央体育館〜第1会場',
			他自治体: '0',
			予診医コード: 'D001',
			予診医名: '佐藤 花子',
			製品コード: 'comirnaty',
			製品名: 'コミナティ筋注',
			ワクチンメーカー: 'ファイザー',
			ワクチンロット番号: d0.vaccine.lot,
			有効期限: '2099/12/31',
			'接種量(mL)': String(d0.vaccine.volumeMl),
			接種部位: '左上腕（三角筋）',
			接種方法: '筋肉内注射',
			接種医コード: 'D002',
			接種医師名: '髙橋 一郎',
			接種済証発行: '1',
			接種不適当の理由: '',
			理由の補足: '',
			接種履歴登録日時: jst('09:01'),
			操作者: 'N001'
		});
		const voided = byRecord.get(s.doses[2]!.id)!;
		expect([col(voided, '状態'), col(voided, '版数'), col(voided, '現在の版のイベントID')]).toEqual([
			'取消',
			'2',
			s.doses[2]!.id
		]);
		const corrected = byRecord.get(s.doses[3]!.id)!;
		expect([
			col(corrected, '状態'),
			col(corrected, 'ワクチンロット番号'),
			col(corrected, '現在の版のイベントID'),
			col(corrected, '版数')
		]).toEqual(['有効', 'FIXED01', s.corrected.id, '2']);
		const nv = byRecord.get(s.notVaccinated.id)!;
		expect([
			col(nv, '結果'),
			col(nv, '接種不適当の理由'),
			col(nv, '理由の補足'),
			col(nv, 'ワクチンロット番号'),
			col(nv, '接種医師名'),
			col(nv, '他自治体')
		]).toEqual(['接種不適当', 'その他（医師が不適当と判断）', '体調不良〜様子見', '', '', '1']);

		const st = await states();
		expect(st[devices.c.batchFor(DAY)]).toBe('exported');
		const history = (
			await supervisor.json<{
				exports: { layout: string; reexport: boolean; rows: number; params: Record<string, unknown> }[];
			}>('GET', '/api/office/exports')
		).exports;
		expect(history[0]).toMatchObject({
			layout: 'full',
			reexport: true,
			rows: 10,
			params: { siteCode: 'V001', from: DAY, to: DAY, includeExported: true }
		});
		const actions = (
			await server.ledger.db.query<{ action: string }>(
				"SELECT action FROM audit_log WHERE action LIKE 'export.%' ORDER BY seq"
			)
		).rows.map((r) => r.action);
		expect(actions).toEqual(['export.doses', 'export.download', 'export.vrs', 'export.download', 'export.full']);
		// Batch c went out in 全項目 only: its doses still wait for the VRS file.
		expect(
			(
				await supervisor.json<{ batches: { id: string }[] }>('GET', '/api/office/exports/pending?layout=vrs')
			).batches.map((b) => b.id)
		).toEqual([devices.c.batchFor(DAY)]);
	});

	it('puts another municipality’s tickets in that municipality’s own file, each line a snapshot of the ticket’s doses', async () => {
		const [day1, day2] = ['2026-11-18', '2026-11-19'];
		const range = `from=${day1}&to=${day2}`;
		await staff.json('PUT', '/api/office/sites', { code: 'V003', name: '北部保健センター' });
		const { device: o, events } = await deviceWith('V003', (d) => [
			doseOn(d, day1, '0000005001', 1),
			doseOn(d, day1, '0000005002', 1, '131041'),
			doseOn(d, day1, '0000005003', 1, '131041', {
				vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD0501', expiry: '2099-12-31', volumeMl: 0.5 }
			}),
			doseOn(d, day2, '0000005002', 2, '131041', {
				givenAt: `${day2}T05:30:00.000Z`,
				recordedAt: `${day2}T05:31:02.000Z`
			}),
			doseOn(d, day2, '0000005001', 2, '131016', { vaccinatingDoctor: 'D001' })
		]);
		const [b1, b2] = [o.batchFor(day1), o.batchFor(day2)];
		await setState(b1, 'approved');

		type Pending = {
			batches: { id: string; state: string; municipalityDoses: number }[];
			rows: number;
			municipality: string;
			municipalities: { code: string; lines: number; batches: number }[];
		};
		const p1 = await supervisor.json<Pending>('GET', `/api/office/exports/pending?layout=vrs&${range}`);
		expect(p1.batches.map((b) => [b.id, b.state, b.municipalityDoses])).toEqual([[b1, 'approved', 1]]);
		expect(p1.rows).toBe(1);
		expect(p1.municipalities).toEqual([
			{ code: '131016', lines: 1, batches: 1 },
			{ code: '131041', lines: 2, batches: 1 }
		]);

		// The deployment's file (the default): 131016's ticket only, dose 1.
		const first = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis', from: day1, to: day2 });
		expect(first.status).toBe(200);
		const reg1 = '20261118100030';
		const dose1 = {
			registeredAt: reg1,
			date: '20261118',
			ticket: '0000005001',
			municipality: '131016',
			site: '北部保健センター',
			doctor: '髙橋 一郎',
			maker: 'ファイザー',
			lot: 'FA1234'
		};
		expect(Buffer.from(await first.arrayBuffer()).equals(vrsFile([vrsLine({ 1: dose1 })]))).toBe(true);
		expect((await states())[b1]).toBe('exported');

		// Batch 1 is exported, yet its two tickets of 131041 still wait for 131041's file.
		const p2 = await supervisor.json<Pending>(
			'GET',
			`/api/office/exports/pending?layout=vrs&${range}&municipality=131041`
		);
		expect(p2.batches.map((b) => [b.id, b.state, b.municipalityDoses])).toEqual([[b1, 'exported', 2]]);
		expect(p2.municipality).toBe('131041');
		expect(p2.municipalities).toEqual([
			{ code: '131016', lines: 0, batches: 0 },
			{ code: '131041', lines: 2, batches: 1 }
		]);

		// Day 2 approved: 131016's file holds ticket 5001 whole again — dose 1 exported before, and dose 2 now.
		await setState(b2, 'approved');
		const p3 = await supervisor.json<Pending>('GET', `/api/office/exports/pending?layout=vrs&${range}`);
		expect(p3.batches.map((b) => b.id)).toEqual([b2]);
		const second = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis', from: day1, to: day2 });
		expect(second.status).toBe(200);
		const bytes = Buffer.from(await second.arrayBuffer());
		// Read back as a municipal system would (Shift_JIS, csv-parse): every field by its column name.
		const [header, ...rows] = parse(iconv.decode(bytes, 'Shift_JIS')) as string[][];
		expect(header).toEqual(PUBLISHED_HEADER);
		expect(rows).toHaveLength(1);
		const fields = Object.fromEntries(header!.map((h, i) => [h, rows[0]![i]]));
		const expectedFields: Record<string, string> = Object.fromEntries(PUBLISHED_HEADER.map((h) => [h, '']));
		Object.assign(expectedFields, {
			'1回目接種履歴登録日時': reg1,
			'1回目接種日': '20261118',
			'1回目券番号': '0000005001',
			'1回目接種自治体コード': '131016',
			'1回目接種会場名': '北部保健センター',
			'1回目接種医師名': '髙橋 一郎',
			'1回目ワクチンメーカー': 'ファイザー',
			'1回目ワクチンロット番号': 'FA1234',
			'2回目接種履歴登録日時': '20261119100030',
			'2回目接種日': '20261119',
			'2回目券番号': '0000005001',
			'2回目接種自治体コード': '131016',
			'2回目接種会場名': '北部保健センター',
			'2回目接種医師名': '佐藤 花子',
			'2回目ワクチンメーカー': 'ファイザー',
			'2回目ワクチンロット番号': 'FA1234'
		});
		expect(fields).toEqual(expectedFields);

		// 131041's own file: both batches (exported by now), its two tickets, its own code in 接種自治体コード.
		const other = await post(supervisor, {
			layout: 'vrs',
			encoding: 'shift_jis',
			from: day1,
			to: day2,
			municipality: '131041'
		});
		expect(other.status).toBe(200);
		const fileName = '接種記録_VRS形式_131041_20261118-20261119_SJIS.csv';
		expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(other.headers.get('content-disposition')!)![1]!)).toBe(
			fileName
		);
		const otherRows = rowsOf(decodeSjis(Buffer.from(await other.arrayBuffer())));
		const site = '北部保健センター';
		expect(otherRows).toEqual([
			PUBLISHED_HEADER,
			vrsLine({
				1: {
					registeredAt: reg1,
					date: '20261118',
					ticket: '0000005002',
					municipality: '131041',
					site,
					doctor: '髙橋 一郎',
					maker: 'ファイザー',
					lot: 'FA1234'
				},
				2: {
					registeredAt: '20261119143102',
					date: '20261119',
					ticket: '0000005002',
					municipality: '131041',
					site,
					doctor: '髙橋 一郎',
					maker: 'ファイザー',
					lot: 'FA1234'
				}
			}),
			vrsLine({
				1: {
					registeredAt: reg1,
					date: '20261118',
					ticket: '0000005003',
					municipality: '131041',
					site,
					doctor: '髙橋 一郎',
					maker: 'モデルナ',
					lot: 'MD0501'
				}
			})
		]);
		const history = (
			await supervisor.json<{
				exports: {
					layout: string;
					municipality: string;
					batchIds: string[];
					rows: number;
					reexport: boolean;
					params: Record<string, unknown>;
				}[];
			}>('GET', '/api/office/exports')
		).exports;
		expect(history[0]).toMatchObject({
			layout: 'vrs',
			municipality: '131041',
			rows: 2,
			reexport: false,
			params: { municipality: '131041', from: day1, to: day2 }
		});
		expect(history[0]!.batchIds.sort()).toEqual([b1, b2].sort());
		expect(
			(await post(supervisor, { layout: 'vrs', encoding: 'shift_jis', from: day1, to: day2, municipality: '131041' }))
				.status
		).toBe(409);

		// An explicit re-export for 131041 writes the same lines again, marked as a re-export.
		const re = await post(supervisor, {
			layout: 'vrs',
			encoding: 'shift_jis',
			from: day1,
			to: day2,
			municipality: '131041',
			includeExported: true
		});
		expect(re.status).toBe(200);
		expect(rowsOf(decodeSjis(Buffer.from(await re.arrayBuffer())))).toEqual(otherRows);
		expect(
			(await supervisor.json<{ exports: { reexport: boolean }[] }>('GET', '/api/office/exports')).exports[0]!.reexport
		).toBe(true);
		expect(events).toHaveLength(5);
	});

	it('refuses a ticket with two active doses of one dose number, naming both, and changes nothing', async () => {
		const day = '2026-11-17';
		const { device: d, events } = await deviceWith('V001', (dev) => [
			doseOn(dev, day, '0000006001', 1),
			doseOn(dev, day, '0000006001', 1, '131016', {
				givenAt: `${day}T02:00:00.000Z`,
				recordedAt: `${day}T02:00:30.000Z`
			}),
			doseOn(dev, day, '0000006002', 1)
		]);
		await setState(d.batchFor(day), 'approved');
		const before = [await states(), await exportCount()];
		const res = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis', from: day, to: day });
		expect(res.status).toBe(409);
		const error = await errorOf(res);
		expect(error).toMatchObject({
			code: 'DUPLICATE_DOSE',
			municipality: '131016',
			ticketNumber: '0000006001',
			doseNumber: 1,
			recordIds: [events[0]!.id, events[1]!.id].sort()
		});
		expect(error.message).toContain('131016-0000006001 の1回目');
		expect(error.message).toContain('照合キュー');
		expect([await states(), await exportCount()]).toEqual(before);
		// The dose list has a line per dose and is not concerned.
		expect(
			(await supervisor.json<{ rows: number }>('GET', `/api/office/exports/pending?layout=doses&from=${day}&to=${day}`))
				.rows
		).toBe(3);

		// Resolved (one voided): the file is written.
		const voidEvent = {
			id: newId(),
			type: 'void',
			batch: d.batchFor(day),
			device: d.identity.deviceId,
			operator: 'N001',
			recordedAt: `${day}T03:00:00.000Z`,
			replaces: events[1]!.id,
			reason: '二重登録'
		} as DoseEvent;
		await sync(d, [voidEvent]);
		const ok = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis', from: day, to: day });
		expect(ok.status).toBe(200);
		expect(rowsOf(decodeSjis(Buffer.from(await ok.arrayBuffer()))).map((r) => r[3])).toEqual([
			'1回目券番号',
			'0000006001',
			'0000006002'
		]);
	});

	it('refuses a text longer than its VRS column by line and column, naming the master to fix, before writing anything', async () => {
		const day = '2026-11-16';
		await staff.json('PUT', '/api/office/doctors', { code: 'D021', name: '医'.repeat(21) });
		await staff.json('PUT', '/api/office/sites', { code: 'V030', name: '会'.repeat(30) });
		const { device: d } = await deviceWith('V030', (dev) => [
			doseOn(dev, day, '0000007001', 1),
			doseOn(dev, day, '0000007002', 1, '131016', { vaccinatingDoctor: 'D021' })
		]);
		await setState(d.batchFor(day), 'approved');
		const before = [await states(), await exportCount()];
		for (const encoding of ['shift_jis', 'utf-8-bom']) {
			const res = await post(supervisor, { layout: 'vrs', encoding, from: day, to: day });
			expect(res.status).toBe(422);
			const error = await errorOf(res);
			// Line 3: the header is line 1, ticket 7001 line 2; a 30-character site name is within its limit.
			expect(error).toMatchObject({
				code: 'TOO_LONG',
				line: 3,
				column: '1回目接種医師名',
				length: 21,
				limit: 20,
				source: { kind: 'doctor', code: 'D021' }
			});
			expect(error.message).toBe(
				'3行目「1回目接種医師名」は21文字で、VRS形式の上限（20文字）を超えています。「会場・医師」画面の「医師の氏名」で D021 の氏名を20文字以内にしてください。'
			);
		}
		expect([await states(), await exportCount()]).toEqual(before);

		await staff.json('PUT', '/api/office/doctors', { code: 'D021', name: '医'.repeat(20) });
		const ok = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis', from: day, to: day });
		expect(ok.status).toBe(200);
		const rows = rowsOf(decodeSjis(Buffer.from(await ok.arrayBuffer())));
		expect(rows.map((r) => [r[5], r[6]])).toEqual([
			['1回目接種会場名', '1回目接種医師名'],
			['会'.repeat(30), '髙橋 一郎'],
			['会'.repeat(30), '医'.repeat(20)]
		]);
	});

	it('exports a batch approved through the reconciliation workflow (close, run, accept, check, approve)', async () => {
		const day = '2026-11-21';
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'W' }, admin)
		);
		const batch = d.batchFor(day);
		const doses = ['0000009001', '0000009002'].map((t, i) =>
			d.doseEvent({ batch, givenAt: `${day}T0${i + 1}:00:00.000Z`, recordedAt: `${day}T0${i + 1}:00:30.000Z` }, t)
		);
		const close = {
			id: newId(),
			type: 'batch-close',
			batch,
			device: d.identity.deviceId,
			operator: 'N001',
			recordedAt: `${day}T08:00:00.000Z`,
			paperTally: 2
		} as DoseEvent;
		await sync(d, [...doses, close]);
		await staff.json('POST', '/api/office/reconciliation/run');
		// Whatever the rules found (no register imported, lots not in the master…) is reviewed and accepted.
		const items = (
			await staff.json<{ items: { id: number }[] }>(
				'GET',
				`/api/office/reconciliation/items?status=open&batch=${encodeURIComponent(batch)}`
			)
		).items;
		for (const item of items)
			await staff.json('POST', `/api/office/reconciliation/items/${item.id}/accept`, { note: '確認済み' });
		const path = `/api/office/batches/${d.identity.deviceId}/V001/${day}`;
		await staff.json('POST', `${path}/check`);
		expect((await supervisor.request(`/api/office/exports/pending?from=${day}&to=${day}`)).ok).toBe(true);
		expect(
			(await supervisor.json<{ batches: unknown[] }>('GET', `/api/office/exports/pending?from=${day}&to=${day}`))
				.batches
		).toEqual([]);
		await supervisor.json('POST', `${path}/approve`);

		const res = await post(supervisor, { layout: 'vrs', encoding: 'utf-8-bom', from: day, to: day });
		expect(res.status).toBe(200);
		const [, ...rows] = rowsOf(
			Buffer.from(await res.arrayBuffer())
				.subarray(3)
				.toString('utf8')
		);
		expect(rows.map((r) => r[3])).toEqual(['0000009001', '0000009002']);
		expect((await supervisor.json<{ batch: { state: string } }>('GET', path)).batch.state).toBe('exported');
	});

	it('refuses bad requests with specific codes', async () => {
		const bad = async (body: unknown) =>
			(
				(await (await supervisor.request('/api/office/exports', { method: 'POST', body })).json()) as {
					error: { code: string };
				}
			).error.code;
		expect(await bad({ layout: 'csv', encoding: 'shift_jis' })).toBe('BAD_REQUEST');
		expect(await bad({ layout: 'vrs', encoding: 'utf-16' })).toBe('BAD_REQUEST');
		expect(await bad({ layout: 'vrs', encoding: 'shift_jis', from: '2026-11-23', to: '2026-11-22' })).toBe(
			'BAD_REQUEST'
		);
		expect(await bad({ layout: 'vrs', encoding: 'shift_jis', siteCode: '123456789018' })).toBe('MY_NUMBER');
		// A municipality code with a wrong check digit, or a municipality for a layout that has none.
		expect(await bad({ layout: 'vrs', encoding: 'shift_jis', municipality: '131017' })).toBe('BAD_REQUEST');
		expect(await bad({ layout: 'doses', encoding: 'shift_jis', municipality: '131016' })).toBe('BAD_REQUEST');
		expect((await supervisor.request('/api/office/exports/pending?layout=vrs&municipality=13101')).status).toBe(400);
		expect((await supervisor.request('/api/office/exports/pending?layout=full&municipality=131016')).status).toBe(400);
		expect((await supervisor.request('/api/office/exports/not-a-uuid/file')).status).toBe(400);
		expect((await supervisor.request('/api/office/exports/01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f/file')).status).toBe(
			404
		);
	});
});

describe.each(BACKENDS)('exports made before the VRS ledger layout, on %s', (backend) => {
	it('are relabelled 接種一覧 (what their bytes are) and still download byte for byte', async () => {
		const pgDb = backend === 'postgres' ? await createTestDatabase() : null;
		const db = await openDatabase({ databaseUrl: pgDb?.url, dataDir: await mkdtemp(join(tmpdir(), 'vacc-mig-')) });
		try {
			// The schema as it was (migrations up to 0014), with one per-dose file stored as 'vrs' and one 'full'.
			await migrate(db, { upTo: 14 });
			const user = newId();
			await db.query(
				`INSERT INTO office_users (id, username, display_name, role, password_hash) VALUES ($1, 'chief', '責任者', 'supervisor', 'x')`,
				[user]
			);
			const old = iconv.encode(
				'接種履歴登録日時,接種日,券番号,接種自治体コード,接種会場名,接種医師名,ワクチンメーカー,ワクチンロット番号\r\n2026/11/22 09:01:00,2026/11/22,0000001001,131016,市民体育館,髙橋 一郎,ファイザー,FA1234\r\n',
				'cp932'
			);
			const ids = [newId(), newId()];
			for (const [i, layout] of (['vrs', 'full'] as const).entries()) {
				await db.query(
					`INSERT INTO exports (id, layout, encoding, params, reexport, batch_ids, row_count, file_name, file_sha256, file, created_by, created_by_name)
					 VALUES ($1, $2, 'shift_jis', '{}', false, '["b"]', 1, $3, $4, $5, $6, 'chief')`,
					[
						ids[i],
						layout,
						`接種記録_${layout === 'vrs' ? 'VRS形式' : '全項目'}_20261122-20261122_SJIS.csv`,
						createHash('sha256').update(old).digest(),
						old,
						user
					]
				);
			}
			// 0015 relabels them; later migrations follow it.
			expect((await migrate(db)).slice(0, 2)).toEqual([15, 16]);

			const list = await listExports(db);
			expect(list.map((x) => [x.id, x.layout, x.municipality]).sort()).toEqual(
				[
					[ids[0], 'doses', null],
					[ids[1], 'full', null]
				].sort()
			);
			const got = await downloadExport(db, ids[0]!, { id: user, name: 'chief' });
			expect(got!.file.equals(old)).toBe(true);
			expect(got!.summary).toMatchObject({
				layout: 'doses',
				fileName: '接種記録_VRS形式_20261122-20261122_SJIS.csv',
				sha256: createHash('sha256').update(old).digest('hex')
			});
			// Still append-only after the relabelling, and a VRS row needs its municipality.
			await expect(db.query("UPDATE exports SET layout = 'full' WHERE id = $1", [ids[0]])).rejects.toThrow(
				/append-only/
			);
			await expect(
				db.query(
					`INSERT INTO exports (id, layout, encoding, params, reexport, batch_ids, row_count, file_name, file_sha256, file, created_by, created_by_name)
					 VALUES ($1, 'vrs', 'shift_jis', '{}', false, '[]', 0, 'x.csv', '\\x00', '\\x00', $2, 'chief')`,
					[newId(), user]
				)
			).rejects.toThrow(/exports_vrs_municipality/);
		} finally {
			await db.close();
			await pgDb?.drop();
		}
	});
});
