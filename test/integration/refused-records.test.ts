import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoseRecordEvent } from '#shared/index';
import type { BatchSummary, Item, TicketHistory } from '#shared/office/reconciliation-api';
import { listAudit } from '../../sync-server/audit/audit-log';
import { rebuildProjections } from '../../sync-server/ledger/rebuild';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { batchClose } from '../helpers/reconcile';
import { issueEnrolmentCode } from '../helpers/server-process';

const DAY = '2026-11-22';
const MY_NUMBER = '123456789018';

/**
 * Refused records have a way back (issue 13), on each backend: a real device sends records the
 * server refuses; the server keeps each refused event's content (never a My Number: then only
 * the field) with every problem; the review queue shows each refused record by ticket, dose, lot
 * and date; the office records it again with fields fixed (an office event, validated, audited,
 * in the ledger, surviving a rebuild) or dismisses it with a reason. The tests build on each
 * other in order (one ledger).
 */
describe.each(BACKENDS)('refused records on %s', (backend) => {
	let server: TestServer;
	let staff: OfficeClient;
	let device: MemoryDevice;
	const ids = { good: '', twoFaults: '', myNumber: '' };

	const items = async () =>
		(
			await staff.json<{ items: Item[] }>(
				'GET',
				`/api/office/reconciliation/items?reason=refused-update&batch=${encodeURIComponent(device.batchFor(DAY))}`
			)
		).items;
	const itemOf = async (eventId: string) =>
		(await items()).find((i) => (i.details.eventIds as string[]).includes(eventId))!;
	const act = (item: Item, action: string, body: unknown) =>
		staff.request(`/api/office/reconciliation/items/${item.id}/${action}`, { method: 'POST', body });
	const errorOf = async (res: Response) => {
		const body = (await res.json()) as { error: { code: string; errors?: { code: string }[] } };
		return [res.status, body.error.code, ...(body.error.errors ?? []).map((e) => e.code)];
	};
	const count = async (sql: string) => (await server.ledger.db.query<{ n: number }>(sql)).rows[0]!.n;

	beforeAll(async () => {
		server = await startBackendServer(backend);
		const admin = await OfficeClient.login(server.url);
		staff = await admin.createUser('staff');
		device = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: '受付1' }, admin)
		);
		const at = { batch: device.batchFor(DAY) };
		const good = device.doseEvent(at, '0000000001') as DoseRecordEvent;
		// A misread municipality digit and an expired lot, in one record.
		const twoFaults = device.doseEvent(
			{ ...at, municipality: '131017', vaccine: { ...good.vaccine, lot: 'EX0001', expiry: '2026-10-31' } },
			'0000000002'
		);
		const myNumber = device.doseEvent({ ...at, screeningDoctor: MY_NUMBER }, '0000000003');
		ids.good = good.id;
		ids.twoFaults = twoFaults.id;
		ids.myNumber = myNumber.id;
		for (const ev of [good, twoFaults, myNumber]) device.append(ev);
		device.start();
		await device.until(() => device.count('refused') === 2 && device.count('receipted') === 1);
		// The station closes its day with three paper forms: the batch waits on the two refused records.
		device.append(batchClose(device, 3, DAY));
		await device.until(() => device.count('receipted') === 2);
		device.stop();
		// The rules run after each commit and refusal, outside them: the queue is read once they have.
		await server.reconciler.idle();
	});
	afterAll(async () => {
		device?.stop();
		await server.dispose();
	});

	it('keeps each refused event with every problem, each with its code and Japanese text; of a My Number only the field', async () => {
		const rows = (
			await server.ledger.db.query<{
				event_id: string;
				content: unknown;
				withheld: string | null;
				my_number_field: string | null;
				problems: unknown;
			}>('SELECT event_id, content, withheld, my_number_field, problems FROM refused_events ORDER BY id')
		).rows.map((r) => ({
			...r,
			content: typeof r.content === 'string' ? JSON.parse(r.content) : r.content,
			problems: typeof r.problems === 'string' ? JSON.parse(r.problems) : r.problems
		}));
		const faults = rows.find((r) => r.event_id === ids.twoFaults)!;
		expect(faults.content).toMatchObject({
			id: ids.twoFaults,
			municipality: '131017',
			ticketNumber: '0000000002',
			vaccine: { lot: 'EX0001' }
		});
		expect(faults.problems).toEqual([
			{ code: 'MUNICIPALITY_CHECK_DIGIT', path: 'municipality', message: expect.stringContaining('検査数字の不一致') },
			{ code: 'LOT_EXPIRED', path: 'vaccine.expiry', message: expect.stringContaining('有効期限が切れています') }
		]);
		const mine = rows.find((r) => r.event_id === ids.myNumber)!;
		expect(mine).toMatchObject({
			content: null,
			withheld: 'my-number',
			my_number_field: 'screeningDoctor',
			problems: [{ code: 'MY_NUMBER', path: 'screeningDoctor' }]
		});
		// Nowhere in the refusal tables or the queue.
		const dump = JSON.stringify([
			(await server.ledger.db.query('SELECT * FROM refused_events')).rows,
			(await server.ledger.db.query('SELECT * FROM refused_updates')).rows,
			(await server.ledger.db.query('SELECT * FROM reconciliation_items')).rows
		]);
		expect(dump).not.toContain(MY_NUMBER);
	});

	it('queues each refused record by ticket, dose, lot and date with its problems; the batch waits for them', async () => {
		const faults = await itemOf(ids.twoFaults);
		expect(faults).toMatchObject({ status: 'open', municipality: '131017', ticketNumber: '0000000002', doseNumber: 1 });
		expect(faults.details).toMatchObject({ lot: 'EX0001', givenAt: `${DAY}T01:00:00.000Z`, code: 'EVENT_SCHEMA' });
		expect((faults.details.problems as { code: string }[]).map((p) => p.code)).toEqual([
			'MUNICIPALITY_CHECK_DIGIT',
			'LOT_EXPIRED'
		]);
		const mine = await itemOf(ids.myNumber);
		expect(mine).toMatchObject({
			status: 'open',
			ticketNumber: null,
			details: { withheld: 'my-number', code: 'MY_NUMBER' }
		});
		const batch = (await staff.json<{ batch: BatchSummary }>('GET', `/api/office/batches/${device.batchFor(DAY)}`))
			.batch;
		expect(batch.state).toBe('closed');
	});

	it('refuses a recording that would still be wrong, or of a withheld content, or a base field; nothing changes', async () => {
		const faults = await itemOf(ids.twoFaults);
		const before = [
			await count('SELECT count(*)::int AS n FROM office_events'),
			await count('SELECT count(*)::int AS n FROM dose_records'),
			await count('SELECT count(*)::int AS n FROM audit_log')
		];
		// Fixing only the digit leaves the expired lot: refused with that problem, by code.
		expect(
			await errorOf(await act(faults, 'record', { reason: '予診票で確認', changes: { municipality: '131016' } }))
		).toEqual([400, 'INVALID_EVENT', 'LOT_EXPIRED']);
		expect(await errorOf(await act(faults, 'record', { reason: '予診票で確認', changes: { id: 'x' } }))).toEqual([
			400,
			'FIELD_NOT_EDITABLE'
		]);
		expect(await errorOf(await act(faults, 'record', { reason: '', changes: {} }))).toEqual([400, 'BAD_REQUEST']);
		expect(await errorOf(await act(faults, 'record', { reason: `番号 ${MY_NUMBER}`, changes: {} }))).toEqual([
			400,
			'MY_NUMBER'
		]);
		expect(
			await errorOf(await act(await itemOf(ids.myNumber), 'record', { reason: '予診票で確認', changes: {} }))
		).toEqual([409, 'REFUSED_CONTENT_WITHHELD']);
		expect(await errorOf(await act(faults, 'dismiss', { reason: '   ' }))).toEqual([400, 'BAD_REQUEST']);
		expect([
			await count('SELECT count(*)::int AS n FROM office_events'),
			await count('SELECT count(*)::int AS n FROM dose_records'),
			await count('SELECT count(*)::int AS n FROM audit_log')
		]).toEqual(before);
		expect((await itemOf(ids.twoFaults)).status).toBe('open');
	});

	it('records a refused record again with its fields fixed: an office event linked to the refusal, in the ledger, audited', async () => {
		const faults = await itemOf(ids.twoFaults);
		const res = await staff.json<{ item: Item; eventId: string }>(
			'POST',
			`/api/office/reconciliation/items/${faults.id}/record`,
			{
				reason: '予診票で市町村コードと使用ロットを確認',
				changes: { municipality: '131016', vaccine: { lot: 'FA1234', expiry: '2099-12-31' } }
			}
		);
		expect(res.item).toMatchObject({
			status: 'corrected',
			note: '予診票で市町村コードと使用ロットを確認',
			resolvedBy: staff.user.username
		});
		const stored = (
			await server.ledger.db.query<{
				type: string;
				refused_event_id: string | number;
				record_id: string;
				batch_id: string;
			}>('SELECT type, refused_event_id, record_id, batch_id FROM office_events WHERE event_id = $1', [res.eventId])
		).rows[0]!;
		expect(stored).toMatchObject({ type: 'dose', record_id: res.eventId, batch_id: device.batchFor(DAY) });
		expect(Number(stored.refused_event_id)).toBe(faults.details.refusedEventId);
		const history = await staff.json<TicketHistory>('GET', '/api/office/tickets/131016/0000000002');
		expect(history.records).toMatchObject([{ recordId: res.eventId, status: 'active', doseNumber: 1, lot: 'FA1234' }]);
		expect(history.events).toMatchObject([
			{ eventId: res.eventId, type: 'dose', source: 'office', officeUser: staff.user.username }
		]);
		const audit = await listAudit(server.ledger.db, { action: 'reconcile.record' });
		expect(audit).toMatchObject([
			{ target: `item:${faults.id}`, detail: { reason: 'refused-update', eventId: res.eventId } }
		]);
		// Once only.
		expect(await errorOf(await act(faults, 'record', { reason: 'もう一度', changes: {} }))).toEqual([
			409,
			'ITEM_NOT_OPEN'
		]);
	});

	it('dismisses a refused record with a reason; the batch, its refusals dealt with, is received', async () => {
		const mine = await itemOf(ids.myNumber);
		const res = await staff.json<{ item: Item }>('POST', `/api/office/reconciliation/items/${mine.id}/dismiss`, {
			reason: '予診票から新しく記録した'
		});
		expect(res.item).toMatchObject({ status: 'dismissed', note: '予診票から新しく記録した' });
		expect((await listAudit(server.ledger.db, { action: 'reconcile.dismiss' })).length).toBe(1);
		const batch = (await staff.json<{ batch: BatchSummary }>('GET', `/api/office/batches/${device.batchFor(DAY)}`))
			.batch;
		// Three paper forms, two records now (the recorded one among them): the tally asks.
		expect(batch).toMatchObject({ state: 'received', doses: 2 });
	});

	it('keeps the recorded record through a rebuild of the projections', async () => {
		const before = (
			await server.ledger.db.query('SELECT record_id, status, record FROM dose_records ORDER BY record_id')
		).rows;
		await rebuildProjections(server.ledger.db);
		expect(
			(await server.ledger.db.query('SELECT record_id, status, record FROM dose_records ORDER BY record_id')).rows
		).toEqual(before);
		expect(before).toHaveLength(2);
	});
});
