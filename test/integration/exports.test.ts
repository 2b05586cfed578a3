import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOf, type DoseEvent, type DoseRecordEvent } from '../../shared/index';
import { newId } from '../../shared/ids';
import { sampleNotVaccinated } from '../../shared/domain/testing/fixtures';
import { FULL_COLUMNS, VRS_COLUMNS } from '../../shared/office/exports';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { backendEnv, BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

/**
 * Exports of approved batches, on both ledger backends: records synced by real devices, files
 * parsed back and compared field by field, batch states, the export log and audit, encodings
 * byte by byte, refusals that change nothing, and who may export.
 */

const DAY = '2026-11-22';
const at = (hhmm: string) => `${DAY}T${hhmm}:00.000+09:00`;
const jst = (hhmm: string) => `2026/11/22 ${hhmm}:00`;

/** Events of one device's day: doses, a 接種不適当, a voided dose and a corrected one. */
function shift(d: MemoryDevice, base: number) {
	const ticket = (n: number) => String(base + n).padStart(10, '0');
	const dose = (n: number, hhmm: string, over: Record<string, unknown> = {}) =>
		d.doseEvent({ givenAt: at(hhmm), recordedAt: at(`${hhmm.slice(0, 3)}${String(Number(hhmm.slice(3)) + 1).padStart(2, '0')}`), ...over }, ticket(n)) as DoseRecordEvent;
	const doses = [dose(1, '09:00'), dose(2, '09:10', { vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD0001', expiry: '2099-12-31', volumeMl: 0.5 } }), dose(3, '09:20'), dose(4, '09:30')];
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
	const voided = { id: newId(), type: 'void', ...common, recordedAt: at('10:00'), replaces: doses[2]!.id, reason: '二重登録' } as DoseEvent;
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
	await d.until(() => d.count('receipted') === events.length);
	d.stop();
}

const decodeSjis = (b: Buffer) => iconv.decode(b, 'cp932');
const rowsOf = (text: string) => parse(text, { bom: false }) as string[][];

describe.each(BACKENDS)('exports on %s', (backend) => {
	let server: TestServer;
	let cleanup: () => Promise<void>;
	let admin: OfficeClient;
	let supervisor: OfficeClient;
	let staff: OfficeClient;
	const devices: Record<'a' | 'b' | 'c', MemoryDevice> = {} as never;
	const shifts: Record<'a' | 'b' | 'c', ReturnType<typeof shift>> = {} as never;

	const setState = (batch: string, state: string) => server.ledger.db.query('UPDATE batches SET state = $2 WHERE id = $1', [batch, state]);
	const states = async () =>
		Object.fromEntries((await server.ledger.db.query<{ id: string; state: string }>('SELECT id, state FROM batches')).rows.map((r) => [r.id, r.state]));
	const post = (as: OfficeClient, body: Record<string, unknown>) => as.request('/api/office/exports', { method: 'POST', body });

	beforeAll(async () => {
		const be = await backendEnv(backend);
		cleanup = be.cleanup;
		server = await startTestServer(be.env);
		admin = await OfficeClient.login(server.url);
		supervisor = await admin.createUser('supervisor');
		staff = await admin.createUser('staff');
		devices.a = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'A' }, admin));
		devices.b = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V002', label: 'B' }, admin));
		devices.c = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'C' }, admin));
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
		await cleanup();
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
		const sjis = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis' });
		expect(sjis.status).toBe(422);
		const refusal = ((await sjis.json()) as { error: { code: string; message: string } }).error;
		expect(refusal.code).toBe('UNENCODABLE');
		expect(refusal.message).toContain('U+20BB7');
		expect(refusal.message).toContain('接種会場名');
		expect(await states()).toEqual(before);
		expect((await staff.request('/api/office/sites', { method: 'PUT', body: { code: 'V002', name: '吉田公民館' } })).status).toBe(200);
	});

	it('exports the active doses of approved batches in the VRS layout, Shift_JIS, and marks them exported', async () => {
		const pending = await supervisor.json<{ batches: { id: string; doses: number }[]; rows: number; missing: unknown }>('GET', '/api/office/exports/pending?layout=vrs');
		expect(pending.batches.map((b) => b.id).sort()).toEqual([devices.a.batchFor(DAY), devices.b.batchFor(DAY)].sort());
		expect(pending.rows).toBe(6);

		const res = await post(supervisor, { layout: 'vrs', encoding: 'shift_jis' });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=Shift_JIS');
		const fileName = '接種記録_VRS形式_20261122-20261122_SJIS.csv';
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename="vaccinations_vrs_20261122-20261122_SJIS.csv"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
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
		expect(header).toEqual([...VRS_COLUMNS]);
		// Doses 1, 2 and the corrected 4 of each approved batch; not the voided 3, not 接種不適当, not batch c.
		const expected = (['a', 'b'] as const).flatMap((k) => {
			const s = shifts[k];
			const site = k === 'a' ? '中央体育館～第1会場' : '吉田公民館';
			return [
				[jst('09:01'), '2026/11/22', s.doses[0]!.ticketNumber, '131016', site, '髙橋 一郎', 'ファイザー', s.doses[0]!.vaccine.lot],
				[jst('09:11'), '2026/11/22', s.doses[1]!.ticketNumber, '131016', site, '髙橋 一郎', 'モデルナ', 'MD0001'],
				[jst('09:31'), '2026/11/22', s.doses[3]!.ticketNumber, '131016', site, '髙橋 一郎', 'ファイザー', 'FIXED01']
			];
		});
		expect(rows).toEqual(expected);

		const s = await states();
		expect(s[devices.a.batchFor(DAY)]).toBe('exported');
		expect(s[devices.b.batchFor(DAY)]).toBe('exported');
		expect(s[devices.c.batchFor(DAY)]).toBe('open');

		const history = (await supervisor.json<{ exports: { id: string; layout: string; rows: number; sha256: string; createdBy: string; encoding: string; fileName: string }[] }>('GET', '/api/office/exports')).exports;
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({ layout: 'vrs', rows: 6, sha256: sha, createdBy: supervisor.user.username, encoding: 'shift_jis', fileName });
		const audit = (await server.ledger.db.query<{ action: string; target: string; detail: Record<string, unknown> | string }>("SELECT action, target, detail FROM audit_log WHERE action LIKE 'export.%'")).rows;
		expect(audit).toHaveLength(1);
		const detail = typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail;
		expect(audit[0]).toMatchObject({ action: 'export.vrs', target: history[0]!.id });
		expect(detail).toMatchObject({ rows: 6, sha256: sha, encoding: 'shift_jis', reexport: false });
		expect((detail.batchIds as string[]).sort()).toEqual([devices.a.batchFor(DAY), devices.b.batchFor(DAY)].sort());
		// Never row contents in the audit log.
		for (const r of expected) expect(JSON.stringify(detail)).not.toContain(r[2]);

		// Nothing approved is left: a second export is refused; the stored file comes back byte for byte.
		expect((await post(supervisor, { layout: 'vrs', encoding: 'shift_jis' })).status).toBe(409);
		const again = await supervisor.request(`/api/office/exports/${history[0]!.id}/file`);
		expect(again.status).toBe(200);
		expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
	});

	it('re-exports explicitly in the full layout, UTF-8 with BOM, with every record and field', async () => {
		await setState(devices.c.batchFor(DAY), 'approved');
		const res = await post(supervisor, { layout: 'full', encoding: 'utf-8-bom', includeExported: true, siteCode: 'V001', from: DAY, to: DAY });
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
		expect(new Set(rows.map((r) => col(r, 'バッチID')))).toEqual(new Set([devices.a.batchFor(DAY), devices.c.batchFor(DAY)]));

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
		expect([col(voided, '状態'), col(voided, '版数'), col(voided, '現在の版のイベントID')]).toEqual(['取消', '2', s.doses[2]!.id]);
		const corrected = byRecord.get(s.doses[3]!.id)!;
		expect([col(corrected, '状態'), col(corrected, 'ワクチンロット番号'), col(corrected, '現在の版のイベントID'), col(corrected, '版数')]).toEqual(['有効', 'FIXED01', s.corrected.id, '2']);
		const nv = byRecord.get(s.notVaccinated.id)!;
		expect([col(nv, '結果'), col(nv, '接種不適当の理由'), col(nv, '理由の補足'), col(nv, 'ワクチンロット番号'), col(nv, '接種医師名'), col(nv, '他自治体')]).toEqual([
			'接種不適当',
			'その他（医師が不適当と判断）',
			'体調不良〜様子見',
			'',
			'',
			'1'
		]);

		const st = await states();
		expect(st[devices.c.batchFor(DAY)]).toBe('exported');
		const history = (await supervisor.json<{ exports: { layout: string; reexport: boolean; rows: number; params: Record<string, unknown> }[] }>('GET', '/api/office/exports')).exports;
		expect(history[0]).toMatchObject({ layout: 'full', reexport: true, rows: 10, params: { siteCode: 'V001', from: DAY, to: DAY, includeExported: true } });
		const actions = (await server.ledger.db.query<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'export.%' ORDER BY seq")).rows.map((r) => r.action);
		expect(actions).toEqual(['export.vrs', 'export.download', 'export.full']);
	});

	it('exports a batch approved through the reconciliation workflow (close, run, accept, check, approve)', async () => {
		const day = '2026-11-21';
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'W' }, admin));
		const batch = d.batchFor(day);
		const doses = ['0000009001', '0000009002'].map((t, i) => d.doseEvent({ batch, givenAt: `${day}T0${i + 1}:00:00.000Z`, recordedAt: `${day}T0${i + 1}:00:30.000Z` }, t));
		const close = { id: newId(), type: 'batch-close', batch, device: d.identity.deviceId, operator: 'N001', recordedAt: `${day}T08:00:00.000Z`, paperTally: 2 } as DoseEvent;
		await sync(d, [...doses, close]);
		await staff.json('POST', '/api/office/reconciliation/run');
		// Whatever the rules found (no register imported, lots not in the master…) is reviewed and accepted.
		const items = (await staff.json<{ items: { id: number }[] }>('GET', `/api/office/reconciliation/items?status=open&batch=${encodeURIComponent(batch)}`)).items;
		for (const item of items) await staff.json('POST', `/api/office/reconciliation/items/${item.id}/accept`, { note: '確認済み' });
		const path = `/api/office/batches/${d.identity.deviceId}/V001/${day}`;
		await staff.json('POST', `${path}/check`);
		expect((await supervisor.request(`/api/office/exports/pending?from=${day}&to=${day}`)).ok).toBe(true);
		expect((await supervisor.json<{ batches: unknown[] }>('GET', `/api/office/exports/pending?from=${day}&to=${day}`)).batches).toEqual([]);
		await supervisor.json('POST', `${path}/approve`);

		const res = await post(supervisor, { layout: 'vrs', encoding: 'utf-8-bom', from: day, to: day });
		expect(res.status).toBe(200);
		const [, ...rows] = rowsOf(Buffer.from(await res.arrayBuffer()).subarray(3).toString('utf8'));
		expect(rows.map((r) => r[2])).toEqual(['0000009001', '0000009002']);
		expect((await supervisor.json<{ batch: { state: string } }>('GET', path)).batch.state).toBe('exported');
	});

	it('refuses bad requests with specific codes', async () => {
		const bad = async (body: unknown) => ((await (await supervisor.request('/api/office/exports', { method: 'POST', body })).json()) as { error: { code: string } }).error.code;
		expect(await bad({ layout: 'csv', encoding: 'shift_jis' })).toBe('BAD_REQUEST');
		expect(await bad({ layout: 'vrs', encoding: 'utf-16' })).toBe('BAD_REQUEST');
		expect(await bad({ layout: 'vrs', encoding: 'shift_jis', from: '2026-11-23', to: '2026-11-22' })).toBe('BAD_REQUEST');
		expect(await bad({ layout: 'vrs', encoding: 'shift_jis', siteCode: '123456789018' })).toBe('MY_NUMBER');
		expect((await supervisor.request('/api/office/exports/not-a-uuid/file')).status).toBe(400);
		expect((await supervisor.request('/api/office/exports/01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f/file')).status).toBe(404);
	});
});
