import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newId } from '#shared/ids';
import type { BatchSummary, Item } from '#shared/office/reconciliation-api';
import { rebuildProjections } from '../../sync-server/ledger/rebuild';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { batchClose } from '../helpers/reconcile';
import { issueEnrolmentCode } from '../helpers/server-process';

const DAY = '2026-11-22';
const DAY2 = '2026-11-21';
/** The exported batch's day, apart from the others so its exports hold only it. */
const DAY3 = '2026-11-23';
const t = (n: number) => String(n).padStart(10, '0');

interface OpenBatch {
	id: string;
	siteCode: string;
	serviceDay: string;
	records: number;
}

/**
 * A tablet that never closes its day (lost, broken, stolen), on each backend: a supervisor
 * closes its batch on its behalf with the paper tally (POST /api/office/batches/…/close), and
 * whatever the tablet still sends afterwards is accepted, flagged late-after-close and exported
 * as a follow-up. Real devices sync real doses through the real server. The tests build on
 * each other in order (one ledger).
 */
describe.each(BACKENDS)('closing a batch for its device on %s', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	let staff: OfficeClient;
	let supervisor: OfficeClient;
	const devices: MemoryDevice[] = [];

	const enrol = async (label: string) => {
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label }, admin)
		);
		devices.push(d);
		return d;
	};
	/** Records doses on the device and syncs them; the device then goes offline (out of reach). */
	const syncDoses = async (d: MemoryDevice, tickets: number[], day = DAY) => {
		const before = d.count('receipted');
		for (const n of tickets)
			d.append(
				d.doseEvent(
					{ batch: d.batchFor(day), givenAt: `${day}T01:00:00.000Z`, recordedAt: `${day}T01:00:30.000Z` },
					t(n)
				)
			);
		d.start();
		await d.until(() => d.count('receipted') === before + tickets.length);
		d.stop();
	};
	const path = (d: MemoryDevice, day = DAY) => `/api/office/batches/${d.identity.deviceId}/V001/${day}`;
	const batch = async (d: MemoryDevice, day = DAY) =>
		(await staff.json<{ batch: BatchSummary }>('GET', path(d, day))).batch;
	const close = (as: OfficeClient, d: MemoryDevice, body: unknown, day = DAY) =>
		as.request(`${path(d, day)}/close`, { method: 'POST', body });
	const items = async (d: MemoryDevice, day = DAY) =>
		(
			await staff.json<{ items: Item[] }>(
				'GET',
				`/api/office/reconciliation/items?status=open&batch=${encodeURIComponent(d.batchFor(day))}`
			)
		).items;
	const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
	const count = async (sql: string) => (await server.ledger.db.query<{ n: number }>(sql)).rows[0]!.n;
	const accept = async (item: Item) =>
		staff.json('POST', `/api/office/reconciliation/items/${item.id}/accept`, { note: '予診票と照合済み' });
	const checkAndApprove = async (d: MemoryDevice, day = DAY) => {
		expect((await staff.json<{ batch: BatchSummary }>('POST', `${path(d, day)}/check`)).batch.state).toBe('checked');
		expect((await supervisor.json<{ batch: BatchSummary }>('POST', `${path(d, day)}/approve`)).batch.state).toBe(
			'approved'
		);
	};
	const exportRequest = { layout: 'doses', encoding: 'utf-8-bom', from: DAY3, to: DAY3 };
	const exportDoses = async () => {
		const res = await supervisor.request('/api/office/exports', { method: 'POST', body: exportRequest });
		expect(res.status).toBe(200);
		const file = Buffer.from(await res.arrayBuffer());
		return {
			id: res.headers.get('x-export-id')!,
			sha256: res.headers.get('x-export-sha256')!,
			file,
			tickets: (parse(file.subarray(3).toString('utf8')) as string[][]).slice(1).map((r) => r[2])
		};
	};

	beforeAll(async () => {
		server = await startBackendServer(backend);
		admin = await OfficeClient.login(server.url);
		staff = await admin.createUser('staff');
		supervisor = await admin.createUser('supervisor');
		await server.ledger.putLot({ product: 'comirnaty', lot: 'FA1234', expiry: '2099-12-31', sites: ['V001'] });
		await admin.json('PUT', '/api/office/sites', { code: 'V001', name: '市民体育館' });
		await admin.json('PUT', '/api/office/doctors', { code: 'D002', name: '髙橋 一郎' });
	});
	afterAll(async () => {
		for (const d of devices) d.stop();
		await server.dispose();
	});

	it('refuses bad closes with specific codes, and lets only supervisors close; nothing changes', async () => {
		const lost = await enrol('紛失端末');
		await syncDoses(lost, [1, 2, 3]);
		expect((await batch(lost)).state).toBe('open');
		// Check and approval cannot move an open batch: this is what the close is for.
		expect(await errorOf(await staff.request(`${path(lost)}/check`, { method: 'POST' }))).toEqual([
			409,
			'BATCH_NOT_RECEIVED'
		]);
		const before = {
			office: await count('SELECT count(*)::int AS n FROM office_events'),
			audit: await count('SELECT count(*)::int AS n FROM audit_log'),
			events: await count('SELECT count(*)::int AS n FROM dose_events')
		};
		const good = { tally: 3, reason: '端末紛失' };

		expect((await close(staff, lost, good)).status).toBe(403);
		expect((await close(admin, lost, good)).status).toBe(403);
		for (const tally of [-1, 1.5, '3', 100_001, null])
			expect(await errorOf(await close(supervisor, lost, { ...good, tally }))).toEqual([400, 'TALLY_INVALID']);
		expect(await errorOf(await close(supervisor, lost, { reason: '端末紛失' }))).toEqual([400, 'TALLY_INVALID']);
		for (const reason of ['', '   ', 7])
			expect(await errorOf(await close(supervisor, lost, { ...good, reason }))).toEqual([400, 'REASON_REQUIRED']);
		expect(await errorOf(await close(supervisor, lost, { tally: 3 }))).toEqual([400, 'REASON_REQUIRED']);
		expect(await errorOf(await close(supervisor, lost, { ...good, reason: 'あ'.repeat(501) }))).toEqual([
			400,
			'REASON_TOO_LONG'
		]);
		expect(await errorOf(await close(supervisor, lost, { ...good, paperTally: 3 }))).toEqual([400, 'BAD_REQUEST']);
		expect(await errorOf(await close(supervisor, lost, [3]))).toEqual([400, 'BAD_REQUEST']);
		expect(
			await errorOf(
				await supervisor.request(`${path(lost)}/close`, {
					method: 'POST',
					body: '{"tally":',
					headers: { 'content-type': 'application/json' }
				})
			)
		).toEqual([400, 'BAD_JSON']);
		expect(await errorOf(await close(supervisor, lost, { ...good, reason: '番号 123456789018 の方' }))).toEqual([
			400,
			'MY_NUMBER'
		]);
		expect(
			await errorOf(
				await supervisor.request(`/api/office/batches/not-a-device/V001/${DAY}/close`, { method: 'POST', body: good })
			)
		).toEqual([400, 'BAD_REQUEST']);
		expect(
			await errorOf(
				await supervisor.request(`/api/office/batches/${newId()}/V001/${DAY}/close`, { method: 'POST', body: good })
			)
		).toEqual([404, 'BATCH_UNKNOWN']);
		expect(await errorOf(await close(supervisor, lost, good, DAY2))).toEqual([404, 'BATCH_UNKNOWN']);

		expect(await count('SELECT count(*)::int AS n FROM office_events')).toBe(before.office);
		expect(await count('SELECT count(*)::int AS n FROM audit_log')).toBe(before.audit);
		expect(await count('SELECT count(*)::int AS n FROM dose_events')).toBe(before.events);
		expect(await batch(lost)).toMatchObject({ state: 'open', paperTally: null, closedBy: null, officeClose: null });
	});

	it('closes an open batch with the paper tally: stored append-only, projected, audited, judged by the tally rule', async () => {
		const lost = devices[0]!;
		const res = await supervisor.json<{ batch: BatchSummary; eventId: string }>('POST', `${path(lost)}/close`, {
			tally: 3,
			reason: '  端末紛失（予診票3枚で確認）  '
		});
		// The tally equals the records and nothing was refused: the batch is received at once.
		expect(res.batch).toMatchObject({ state: 'received', paperTally: 3, closedBy: 'office', doses: 3, openItems: 0 });
		expect(res.batch.officeClose).toMatchObject({
			by: supervisor.user.username,
			paperTally: 3,
			reason: '端末紛失（予診票3枚で確認）'
		});

		const maxSeq = await count(`SELECT max(seq)::int AS n FROM sync_updates WHERE batch_id = '${lost.batchFor()}'`);
		const stored = (
			await server.ledger.db.query<{
				type: string;
				user_id: string;
				reason: string;
				record_id: string | null;
				replaces: string | null;
				through_update_seq: string | number;
				payload: unknown;
			}>(
				`SELECT type, user_id, reason, record_id, replaces, through_update_seq, payload FROM office_events WHERE event_id = $1`,
				[res.eventId]
			)
		).rows;
		expect(stored).toHaveLength(1);
		expect({ ...stored[0]!, through_update_seq: Number(stored[0]!.through_update_seq), payload: undefined }).toEqual({
			type: 'batch-close',
			user_id: supervisor.user.id,
			reason: '端末紛失（予診票3枚で確認）',
			record_id: null,
			replaces: null,
			through_update_seq: maxSeq,
			payload: undefined
		});
		const payload = typeof stored[0]!.payload === 'string' ? JSON.parse(stored[0]!.payload) : stored[0]!.payload;
		expect(payload).toMatchObject({
			id: res.eventId,
			type: 'batch-close',
			batch: lost.batchFor(),
			device: lost.identity.deviceId,
			operator: 'office',
			paperTally: 3
		});
		expect(
			await count(
				`SELECT count(*)::int AS n FROM dose_events WHERE event_id = '${res.eventId}' AND type = 'batch-close' AND office_seq IS NOT NULL AND update_seq IS NULL`
			)
		).toBe(1);
		await expect(
			server.ledger.db.query(`UPDATE office_events SET reason = 'x' WHERE event_id = '${res.eventId}'`)
		).rejects.toThrow(/append-only/);

		const audit = (
			await server.ledger.db.query<{ action: string; target: string; actor: string; detail: unknown }>(
				`SELECT action, target, actor, detail FROM audit_log WHERE action = 'batch.close'`
			)
		).rows;
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ action: 'batch.close', target: lost.batchFor(), actor: supervisor.user.username });
		const detail = typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail;
		expect(detail).toMatchObject({
			eventId: res.eventId,
			paperTally: 3,
			reason: '端末紛失（予診票3枚で確認）',
			records: 3,
			deviceStatus: 'active'
		});
		expect(await supervisor.json('GET', '/api/office/audit/verify')).toMatchObject({ ok: true });

		// Closed once: a second close (by anyone) is refused, and changes nothing.
		const audits = await count('SELECT count(*)::int AS n FROM audit_log');
		expect(await errorOf(await close(supervisor, lost, { tally: 4, reason: '再度' }))).toEqual([409, 'BATCH_NOT_OPEN']);
		expect(await count('SELECT count(*)::int AS n FROM audit_log')).toBe(audits);
		expect((await batch(lost)).paperTally).toBe(3);

		// A paper tally that differs from the records is a tally-mismatch, exactly as a device's close.
		const broken = await enrol('故障端末');
		await syncDoses(broken, [11, 12]);
		const closed = await supervisor.json<{ batch: BatchSummary; eventId: string }>('POST', `${path(broken)}/close`, {
			tally: 4,
			reason: '画面故障'
		});
		expect(closed.batch).toMatchObject({ state: 'received', paperTally: 4, openItems: 1 });
		const [mismatch] = await items(broken);
		expect(mismatch).toMatchObject({
			reason: 'tally-mismatch',
			eventId: closed.eventId,
			details: { paperTally: 4, records: 2 }
		});
		expect(await errorOf(await staff.request(`${path(broken)}/check`, { method: 'POST' }))).toEqual([
			409,
			'BATCH_HAS_OPEN_ITEMS'
		]);
	});

	it('revoking a device leaves its open batches for a supervisor to close, each of them', async () => {
		const stolen = await enrol('盗難端末');
		await syncDoses(stolen, [21, 22]);
		await syncDoses(stolen, [23], DAY2);
		const revoked = await admin.json<{ status: string; openBatches: OpenBatch[] }>(
			'POST',
			`/api/admin/devices/${stolen.identity.deviceId}/revoke`
		);
		expect(revoked.status).toBe('revoked');
		expect(revoked.openBatches).toEqual([
			{ id: stolen.batchFor(DAY2), siteCode: 'V001', serviceDay: DAY2, records: 1 },
			{ id: stolen.batchFor(DAY), siteCode: 'V001', serviceDay: DAY, records: 2 }
		]);
		const listed = async () =>
			(
				await admin.json<{ devices: { id: string; status: string; openBatches: OpenBatch[] }[] }>(
					'GET',
					'/api/admin/devices'
				)
			).devices.find((d) => d.id === stolen.identity.deviceId)!;
		expect((await listed()).openBatches.map((b) => b.id)).toEqual([stolen.batchFor(DAY2), stolen.batchFor(DAY)]);
		expect((await batch(stolen)).deviceStatus).toBe('revoked');
		// Revoking is the admin's; closing stays the supervisor's.
		expect((await close(admin, stolen, { tally: 2, reason: '盗難' })).status).toBe(403);

		for (const [day, tally] of [
			[DAY, 2],
			[DAY2, 1]
		] as const) {
			const r = await supervisor.json<{ batch: BatchSummary }>('POST', `${path(stolen, day)}/close`, {
				tally,
				reason: '盗難（警察に届出済み）'
			});
			expect(r.batch).toMatchObject({ state: 'received', closedBy: 'office', deviceStatus: 'revoked' });
		}
		expect((await listed()).openBatches).toEqual([]);
		expect(
			await count(
				`SELECT count(*)::int AS n FROM batches WHERE device_id = '${stolen.identity.deviceId}' AND state = 'open'`
			)
		).toBe(0);

		// Retiring says the same of a device's open batches.
		const retiring = await enrol('返却端末');
		await syncDoses(retiring, [31]);
		const retired = await admin.json<{ status: string; openBatches: OpenBatch[] }>(
			'POST',
			`/api/admin/devices/${retiring.identity.deviceId}/retire`
		);
		expect(retired).toMatchObject({ status: 'retired', openBatches: [{ id: retiring.batchFor(), records: 1 }] });
	});

	it('accepts events sent after an office close: receipted, back to received from checked, a late-after-close item; a later device close flips nothing', async () => {
		const late = await enrol('圏外端末');
		await syncDoses(late, [41, 42]);
		// Out of reach, the tablet records one more dose; the office has the two forms it was sent.
		const lateDose = late.doseEvent({}, t(43));
		late.append(lateDose);
		const closed = await supervisor.json<{ batch: BatchSummary }>('POST', `${path(late)}/close`, {
			tally: 2,
			reason: '端末が回収できないため予診票で締める'
		});
		expect(closed.batch).toMatchObject({ state: 'received', paperTally: 2, openItems: 0 });
		expect((await staff.json<{ batch: BatchSummary }>('POST', `${path(late)}/check`)).batch.state).toBe('checked');

		late.start();
		await late.until(() => late.count('receipted') === 3);
		expect(late.count('refused')).toBe(0);
		// The rules run after the commit, outside ingest (the receipt never waits for them).
		await server.reconciler.idle();
		await vi.waitFor(
			async () =>
				expect(await batch(late)).toMatchObject({ state: 'received', checkedBy: null, doses: 3, openItems: 2 }),
			{ timeout: 30_000, interval: 50 }
		);
		expect(
			await count(
				`SELECT count(*)::int AS n FROM dose_records WHERE record_id = '${lateDose.id}' AND status = 'active'`
			)
		).toBe(1);
		const open = await items(late);
		// The two rules run apart (the late event's, the tally's), so either item can come first.
		expect(open.map((i) => [i.reason, i.details]).sort()).toEqual([
			['late-after-close', { lateEvents: 1, newRecords: 1 }],
			['tally-mismatch', { paperTally: 2, records: 3 }]
		]);
		expect(await errorOf(await staff.request(`${path(late)}/check`, { method: 'POST' }))).toEqual([
			409,
			'BATCH_HAS_OPEN_ITEMS'
		]);
		for (const item of open) await accept(item);
		await checkAndApprove(late);

		// The tablet closes its day at last (its close recorded on the day, long before the
		// office's): receipted, it becomes the tally in force — the device's own count — and it
		// neither reopens nor flips the approved batch.
		late.append(batchClose(late, 3));
		await late.until(() => late.count('receipted') === 4);
		await server.reconciler.idle();
		expect(await batch(late)).toMatchObject({ state: 'approved', paperTally: 3, closedBy: 'device', openItems: 0 });
		expect((await batch(late)).officeClose).toMatchObject({ paperTally: 2, by: supervisor.user.username });
		late.stop();
	});

	it('exports, then late doses reopen the exported batch; re-approved, they go out in the next export and the earlier file stays byte for byte', async () => {
		const away = await enrol('遠隔会場端末');
		await syncDoses(away, [51, 52], DAY3);
		const lateDoses = [53, 54].map((n) =>
			away.doseEvent(
				{ batch: away.batchFor(DAY3), givenAt: `${DAY3}T01:00:00.000Z`, recordedAt: `${DAY3}T01:00:30.000Z` },
				t(n)
			)
		);
		for (const d of lateDoses) away.append(d);
		await supervisor.json('POST', `${path(away, DAY3)}/close`, { tally: 2, reason: '端末故障（電源が入らない）' });
		await checkAndApprove(away, DAY3);
		const first = await exportDoses();
		expect(first.tickets).toEqual([t(51), t(52)]);
		expect((await batch(away, DAY3)).state).toBe('exported');
		const storedSha = async (id: string) =>
			Buffer.from(
				(
					await server.ledger.db.query<{ file_sha256: Uint8Array }>('SELECT file_sha256 FROM exports WHERE id = $1', [
						id
					])
				).rows[0]!.file_sha256
			).toString('hex');
		expect(await storedSha(first.id)).toBe(first.sha256);

		// The tablet is repaired and syncs what it held.
		away.start();
		await away.until(() => away.count('receipted') === 4);
		away.stop();
		await server.reconciler.idle();
		await vi.waitFor(
			async () => expect(await batch(away, DAY3)).toMatchObject({ state: 'received', approvedBy: null, doses: 4 }),
			{ timeout: 30_000, interval: 50 }
		);
		const open = await items(away, DAY3);
		expect(open.map((i) => [i.reason, i.details]).sort()).toEqual([
			['late-after-close', { lateEvents: 2, newRecords: 2 }],
			['tally-mismatch', { paperTally: 2, records: 4 }]
		]);
		// Not exportable until it is checked and approved again.
		const early = await supervisor.request('/api/office/exports', { method: 'POST', body: exportRequest });
		expect(await errorOf(early)).toEqual([409, 'NOTHING_TO_EXPORT']);
		for (const item of open) await accept(item);
		await checkAndApprove(away, DAY3);

		// The follow-up export: the late doses only, the first two having gone out already (the
		// municipal system must not read a dose twice); a re-export asked for by name has all four.
		const second = await exportDoses();
		expect(second.tickets).toEqual([t(53), t(54)]);
		expect(second.id).not.toBe(first.id);
		expect((await batch(away, DAY3)).state).toBe('exported');
		const whole = await supervisor.request('/api/office/exports', {
			method: 'POST',
			body: { ...exportRequest, includeExported: true }
		});
		expect(
			(
				parse(
					Buffer.from(await whole.arrayBuffer())
						.subarray(3)
						.toString('utf8')
				) as string[][]
			)
				.slice(1)
				.map((r) => r[2])
		).toEqual([t(51), t(52), t(53), t(54)]);
		// The earlier export: the same stored bytes and hash, downloaded again.
		const again = await supervisor.request(`/api/office/exports/${first.id}/file`);
		const bytes = Buffer.from(await again.arrayBuffer());
		expect(bytes.equals(first.file)).toBe(true);
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(first.sha256);
		expect(await storedSha(first.id)).toBe(first.sha256);
		await expect(server.ledger.db.query(`UPDATE exports SET file = '\\x00' WHERE id = '${first.id}'`)).rejects.toThrow(
			/append-only/
		);
	});

	it('rebuilds projections equal to the live ones, office closes included, and the rules find nothing new', async () => {
		const snapshot = async () => ({
			events: (
				await server.ledger.db.query(
					'SELECT event_id, batch_id, device_id, update_seq, office_seq, type, municipality, ticket_number, dose_number, given_at, recorded_at, replaces, payload FROM dose_events ORDER BY event_id'
				)
			).rows,
			records: (await server.ledger.db.query('SELECT * FROM dose_records ORDER BY record_id')).rows,
			batches: (await staff.json<{ batches: BatchSummary[] }>('GET', '/api/office/batches')).batches,
			items: (await staff.json<{ items: Item[] }>('GET', '/api/office/reconciliation/items')).items
		});
		const live = await snapshot();
		expect(live.events.filter((e) => e.office_seq !== null && e.type === 'batch-close')).toHaveLength(6);
		await rebuildProjections(server.ledger.db);
		expect(await snapshot()).toEqual(live);
		const run = await staff.json<{ created: number; cleared: number }>('POST', '/api/office/reconciliation/run');
		expect(run).toMatchObject({ created: 0, cleared: 0 });
		expect(await snapshot()).toEqual(live);
	});
});
