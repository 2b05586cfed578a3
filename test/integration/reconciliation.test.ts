import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleDose } from '#shared/domain/testing/fixtures';
import type { Reason } from '#shared/office/reconciliation';
import { rebuildProjections } from '../../sync-server/ledger/rebuild';
import type { Item } from '../../sync-server/reconciliation/items';
import type { BatchSummary } from '../../sync-server/reconciliation/batches';
import type { TicketHistory } from '../../sync-server/reconciliation/ticket-history';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { batchClose, putRegister } from '../helpers/reconcile';
import { issueEnrolmentCode } from '../helpers/server-process';

const TENANT = '131016';
const DAY = '2026-11-22';
const EARLY = '2026-11-10';
const t = (n: number) => String(n).padStart(10, '0');
const lot = (l: string) => ({ vaccine: { ...sampleDose().vaccine, expiry: '2099-12-31', lot: l } });
const on = (d: MemoryDevice, day: string) => ({
	batch: d.batchFor(day),
	givenAt: `${day}T01:00:00.000Z`,
	recordedAt: `${day}T01:00:30.000Z`
});

/**
 * Reconciliation end to end on each backend: real devices sync real doses through the real
 * server, the rules raise one item per reason, and office users act on them over the API.
 * The tests of this file build on each other in order (one ledger, one day of work).
 */
describe.each(BACKENDS)('reconciliation on %s', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	let staff: OfficeClient;
	let supervisor: OfficeClient;
	let a: MemoryDevice;
	let b: MemoryDevice;
	const devices: MemoryDevice[] = [];

	const items = async (query = '') =>
		(await staff.json<{ items: Item[] }>('GET', `/api/office/reconciliation/items${query}`)).items;
	const openItem = async (reason: Reason, ticket?: string) => {
		const found = (await items(`?status=open&reason=${reason}`)).filter(
			(i) => ticket === undefined || i.ticketNumber === ticket
		);
		expect(found, `one open ${reason} item`).toHaveLength(1);
		return found[0]!;
	};
	const batchPath = (d: MemoryDevice, day = DAY) => `/api/office/batches/${d.identity.deviceId}/V001/${day}`;
	const batch = async (d: MemoryDevice, day = DAY) =>
		(await staff.json<{ batch: BatchSummary }>('GET', batchPath(d, day))).batch;
	const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
	const count = async (sql: string) => (await server.ledger.db.query<{ n: number }>(sql)).rows[0]!.n;

	beforeAll(async () => {
		server = await startBackendServer(backend);
		admin = await OfficeClient.login(server.url);
		staff = await admin.createUser('staff');
		supervisor = await admin.createUser('supervisor');
		for (const [product, l, expiry, sites] of [
			['comirnaty', 'FA1234', '2099-12-31', ['V001']],
			['comirnaty', 'OLD001', '2026-11-01', ['V001']],
			['spikevax', 'SP0001', '2099-12-31', ['V001']],
			['comirnaty', 'FAR001', '2099-12-31', ['V999']]
		] as const) {
			await server.ledger.putLot({ product, lot: l, expiry, sites: [...sites] });
		}
		await putRegister(server.ledger.db, [
			...[1, 2, 3, 4, 7, 9, 10, 11, 12].map((n) => ({ municipality: TENANT, ticketNumber: t(n) })),
			{ municipality: TENANT, ticketNumber: t(5), movedOutOn: '2026-11-01' },
			{ municipality: TENANT, ticketNumber: t(6), deceasedOn: '2026-11-20' }
		]);
		for (let i = 0; i < 2; i++)
			devices.push(await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin)));
		[a, b] = devices as [MemoryDevice, MemoryDevice];
	});
	afterAll(async () => {
		for (const d of devices) d.stop();
		await server.dispose();
	});

	it('raises an item for every reason from doses synced by real devices', async () => {
		a.append(a.doseEvent({ ...on(a, EARLY) }, t(3))); // dose 1 of ticket 3, twelve days before its dose 2
		a.append(a.doseEvent({ ...on(a, EARLY), doseNumber: 2, ticketDose: 2 }, t(4))); // dose 2 of ticket 4, before its dose 1
		a.append(a.doseEvent({}, t(1))); // clean
		a.append(a.doseEvent({}, t(2))); // and again on device b
		a.append(a.doseEvent({ doseNumber: 2, ticketDose: 2 }, t(3)));
		a.append(a.doseEvent({}, t(4)));
		a.append(a.doseEvent({}, t(5)));
		a.append(a.doseEvent({}, t(6)));
		a.append(a.doseEvent({ ticketDose: 2 }, t(7)));
		a.append(a.doseEvent({ municipality: '131041', otherMunicipality: true }, t(8)));
		a.append(a.doseEvent(lot('ZZ9999'), t(9)));
		a.append(a.doseEvent(lot('OLD001'), t(10)));
		a.append(a.doseEvent(lot('SP0001'), t(11)));
		a.append(a.doseEvent(lot('FAR001'), t(12)));
		a.append(a.doseEvent({}, t(99)));
		a.append({ ...a.doseEvent({}, t(13)), unexpected: 1 }); // refused by the server
		a.append(batchClose(a, 99));
		b.append(b.doseEvent({}, t(2)));
		for (const d of devices) d.start();
		await a.until(() => a.count('receipted') === 16 && a.count('refused') === 1);
		await b.until(() => b.count('receipted') === 1);

		// late-after-close needs a batch the office closed for its device: office-close.test.ts.
		const expected: Record<Exclude<Reason, 'late-after-close'>, number> = {
			duplicate: 2,
			'interval-too-short': 1,
			'dose-out-of-order': 1,
			'ticket-dose-mismatch': 1,
			'ticket-not-in-register': 1,
			'holder-moved-out': 1,
			'holder-deceased': 1,
			'other-municipality': 1,
			'lot-unknown': 1,
			'lot-expired': 1,
			'lot-wrong-product': 1,
			'lot-not-delivered': 1,
			'tally-mismatch': 1,
			'refused-update': 1
		};
		// The rules run after each commit, outside the ingest transaction: wait for them.
		await vi.waitFor(
			async () => {
				const open = await items('?status=open');
				const byReason: Record<string, number> = {};
				for (const i of open) byReason[i.reason] = (byReason[i.reason] ?? 0) + 1;
				expect(byReason).toEqual(expected);
			},
			{ timeout: 30_000, interval: 50 }
		);
		const open = await items('?status=open');
		expect(open.filter((i) => i.ticketNumber === t(1))).toEqual([]);
		expect((await openItem('dose-out-of-order')).batchId).toBe(a.batchFor(EARLY));
		expect((await openItem('interval-too-short')).ticketNumber).toBe(t(3));
		expect((await openItem('holder-moved-out')).ticketNumber).toBe(t(5));
		expect((await openItem('holder-deceased')).ticketNumber).toBe(t(6));
		expect((await openItem('ticket-not-in-register')).ticketNumber).toBe(t(99));
		expect((await openItem('tally-mismatch')).details).toEqual({ paperTally: 99, records: 13 });
		expect(new Set((await items('?reason=duplicate')).map((i) => i.batchId))).toEqual(
			new Set([a.batchFor(), b.batchFor()])
		);

		const summary = await batch(a);
		expect(summary).toMatchObject({ state: 'closed', doses: 13, paperTally: 99, refusedUpdates: 1, openItems: 13 });
		expect(summary.lastSyncAt).not.toBeNull();
		expect((await batch(b)).state).toBe('open');
	});

	it('runs the rules on demand without duplicating items', async () => {
		const before = await items();
		const run = await staff.json<{ found: number; created: number }>('POST', '/api/office/reconciliation/run');
		expect(run.created).toBe(0);
		expect(run.found).toBe(before.length);
		expect(await items()).toEqual(before);
	});

	it('refuses bad and unauthorised actions and changes nothing', async () => {
		const unknownLot = await openItem('lot-unknown');
		const tally = await openItem('tally-mismatch');
		const officeEvents = await count('SELECT count(*)::int AS n FROM office_events');
		const audit = await count('SELECT count(*)::int AS n FROM audit_log');
		const act = (c: OfficeClient, id: number, action: string, body: unknown) =>
			c.request(`/api/office/reconciliation/items/${id}/${action}`, { method: 'POST', body });

		expect((await act(admin, unknownLot.id, 'accept', { note: 'x' })).status).toBe(403);
		const noNote = await act(staff, unknownLot.id, 'accept', { note: '  ' });
		expect([noNote.status, await errorCode(noNote)]).toEqual([400, 'BAD_REQUEST']);
		const notReportable = await act(staff, unknownLot.id, 'report', {});
		expect([notReportable.status, await errorCode(notReportable)]).toEqual([409, 'NOT_REPORTABLE']);
		const badCorrection = await act(staff, unknownLot.id, 'correct', { reason: '訂正', changes: { doseNumber: 99 } });
		expect([badCorrection.status, await errorCode(badCorrection)]).toEqual([400, 'INVALID_EVENT']);
		const noChange = await act(staff, unknownLot.id, 'correct', {
			reason: '訂正',
			changes: { vaccine: { lot: 'ZZ9999' } }
		});
		expect([noChange.status, await errorCode(noChange)]).toEqual([400, 'NO_CHANGE']);
		const myNumber = await act(staff, unknownLot.id, 'accept', { note: '123456789018' });
		expect([myNumber.status, await errorCode(myNumber)]).toEqual([400, 'MY_NUMBER']);
		const noRecord = await act(staff, tally.id, 'void', { reason: '取消' });
		expect([noRecord.status, await errorCode(noRecord)]).toEqual([409, 'ITEM_HAS_NO_RECORD']);
		const unknown = await act(staff, 999_999, 'accept', { note: 'x' });
		expect([unknown.status, await errorCode(unknown)]).toEqual([404, 'ITEM_UNKNOWN']);

		const check = await staff.request(`${batchPath(a)}/check`, { method: 'POST' });
		expect([check.status, await errorCode(check)]).toEqual([409, 'BATCH_HAS_OPEN_ITEMS']);
		expect((await staff.request(`${batchPath(a)}/approve`, { method: 'POST' })).status).toBe(403);
		const approve = await supervisor.request(`${batchPath(a)}/approve`, { method: 'POST' });
		expect([approve.status, await errorCode(approve)]).toEqual([409, 'BATCH_HAS_OPEN_ITEMS']);

		expect(await count('SELECT count(*)::int AS n FROM office_events')).toBe(officeEvents);
		expect(await count('SELECT count(*)::int AS n FROM audit_log')).toBe(audit);
		expect((await items(`?status=open&reason=lot-unknown`))[0]).toEqual(unknownLot);
		expect((await batch(a)).state).toBe('closed');
	});

	it('resolves items: report, void and correct as new office events, never overwriting', async () => {
		const updates = await count('SELECT count(*)::int AS n FROM sync_updates');
		const other = await openItem('other-municipality');
		const reported = await staff.json<{ item: Item }>('POST', `/api/office/reconciliation/items/${other.id}/report`, {
			note: '131041 へ報告'
		});
		expect(reported.item).toMatchObject({ status: 'reported', resolvedBy: staff.user.username });

		// Void device b's copy of the duplicate: a's copy no longer is one, its item clears itself.
		const dupB = (await items('?status=open&reason=duplicate')).find((i) => i.batchId === b.batchFor())!;
		const voided = await staff.json<{ item: Item; eventId: string }>(
			'POST',
			`/api/office/reconciliation/items/${dupB.id}/void`,
			{ reason: '同一人物の二重記録（予診票で確認）' }
		);
		expect(voided.item.status).toBe('voided');
		expect((await items('?reason=duplicate')).map((i) => i.status).sort()).toEqual(['cleared', 'voided']);
		const voidedRecord = (
			await server.ledger.db.query<{ status: string; versions: number }>(
				'SELECT status, versions FROM dose_records WHERE record_id = $1',
				[dupB.recordId]
			)
		).rows[0];
		expect(voidedRecord).toEqual({ status: 'voided', versions: 2 });

		const unknownLot = await openItem('lot-unknown');
		const corrected = await staff.json<{ item: Item; eventId: string }>(
			'POST',
			`/api/office/reconciliation/items/${unknownLot.id}/correct`,
			{
				reason: 'ロット番号を予診票の貼付シールで訂正',
				changes: { vaccine: { lot: 'FA1234' } }
			}
		);
		expect(corrected.item.status).toBe('corrected');
		const record = (
			await server.ledger.db.query<{ lot: string; versions: number; current_event_id: string }>(
				'SELECT lot, versions, current_event_id FROM dose_records WHERE record_id = $1',
				[unknownLot.recordId]
			)
		).rows[0];
		expect(record).toEqual({ lot: 'FA1234', versions: 2, current_event_id: corrected.eventId });
		expect((await items(`?status=open`)).filter((i) => i.ticketNumber === t(9))).toEqual([]);

		const office = (
			await server.ledger.db.query<{ type: string; user_id: string; reason: string }>(
				'SELECT type, user_id, reason FROM office_events ORDER BY seq'
			)
		).rows;
		expect(office).toEqual([
			{ type: 'void', user_id: staff.user.id, reason: '同一人物の二重記録（予診票で確認）' },
			{ type: 'correction', user_id: staff.user.id, reason: 'ロット番号を予診票の貼付シールで訂正' }
		]);
		// The original device event is still there, unchanged; the raw updates too.
		expect(
			await count(
				`SELECT count(*)::int AS n FROM dose_events WHERE event_id = '${unknownLot.recordId}' AND payload->'vaccine'->>'lot' = 'ZZ9999'`
			)
		).toBe(1);
		expect(await count('SELECT count(*)::int AS n FROM sync_updates')).toBe(updates);
		await expect(server.ledger.db.query('DELETE FROM office_events')).rejects.toThrow(/append-only/);

		const again = await staff.request(`/api/office/reconciliation/items/${unknownLot.id}/accept`, {
			method: 'POST',
			body: { note: 'x' }
		});
		expect([again.status, await errorCode(again)]).toEqual([409, 'ITEM_NOT_OPEN']);
		const actions = (
			await server.ledger.db.query<{ action: string }>(
				`SELECT action FROM audit_log WHERE action LIKE 'reconcile.%' ORDER BY seq`
			)
		).rows.map((r) => r.action);
		expect(actions).toEqual(['reconcile.run', 'reconcile.report', 'reconcile.void', 'reconcile.correct']);
	});

	it('checks a batch once nothing is open, and only a supervisor approves it', async () => {
		for (const item of await items(`?status=open&batch=${encodeURIComponent(a.batchFor())}`)) {
			await staff.json('POST', `/api/office/reconciliation/items/${item.id}/accept`, { note: '予診票と照合済み' });
		}
		// The refused update is dealt with: everything of the closed batch is accounted for.
		expect((await batch(a)).state).toBe('received');
		expect((await supervisor.request(`${batchPath(a)}/approve`, { method: 'POST' })).status).toBe(409);
		const checked = await staff.json<{ batch: BatchSummary }>('POST', `${batchPath(a)}/check`);
		expect(checked.batch).toMatchObject({ state: 'checked', checkedBy: staff.user.username, openItems: 0 });
		expect((await staff.request(`${batchPath(a)}/approve`, { method: 'POST' })).status).toBe(403);
		const approved = await supervisor.json<{ batch: BatchSummary }>('POST', `${batchPath(a)}/approve`);
		expect(approved.batch).toMatchObject({ state: 'approved', approvedBy: supervisor.user.username });
		const again = await supervisor.request(`${batchPath(a)}/approve`, { method: 'POST' });
		expect([again.status, await errorCode(again)]).toEqual([409, 'BATCH_NOT_CHECKED']);
		// Device b's batch was never closed.
		const open = await staff.request(`${batchPath(b)}/check`, { method: 'POST' });
		expect([open.status, await errorCode(open)]).toEqual([409, 'BATCH_NOT_RECEIVED']);
		expect(
			(
				await server.ledger.db.query<{ action: string; target: string }>(
					`SELECT action, target FROM audit_log WHERE action LIKE 'batch.%' ORDER BY seq`
				)
			).rows
		).toEqual([
			{ action: 'batch.check', target: a.batchFor() },
			{ action: 'batch.approve', target: a.batchFor() }
		]);
	});

	it('sends a checked batch back to received when a new event raises an item', async () => {
		// Device b's only record was voided in the office: its paper tally is 0.
		b.append(batchClose(b, 0));
		await b.until(() => b.count('receipted') === 2);
		await vi.waitFor(async () => expect((await batch(b)).state).toBe('received'), { timeout: 30_000, interval: 50 });
		expect((await staff.json<{ batch: BatchSummary }>('POST', `${batchPath(b)}/check`)).batch.state).toBe('checked');
		// The station records one more dose after closing: an unknown lot, a ticket not in the register.
		b.append(b.doseEvent(lot('LATE01'), t(20)));
		await b.until(() => b.count('receipted') === 3);
		await vi.waitFor(
			async () => expect(await batch(b)).toMatchObject({ state: 'received', openItems: 3, checkedBy: null }),
			{ timeout: 30_000, interval: 50 }
		);
		expect((await items(`?status=open&batch=${encodeURIComponent(b.batchFor())}`)).map((i) => i.reason).sort()).toEqual(
			['lot-unknown', 'tally-mismatch', 'ticket-not-in-register']
		);
	});

	it("shows a ticket's whole history: every event, who, when, why; and audits the view", async () => {
		const history = await staff.json<TicketHistory>('GET', `/api/office/tickets/${TENANT}/${t(9)}`);
		expect(history.events.map((e) => [e.type, e.source])).toEqual([
			['dose', 'device'],
			['correction', 'office']
		]);
		const [dose, correction] = history.events as [TicketHistory['events'][number], TicketHistory['events'][number]];
		expect(dose).toMatchObject({ operator: 'N001', officeUser: null });
		expect(dose.storedAt).not.toBeNull();
		expect(correction).toMatchObject({
			officeUser: staff.user.username,
			reason: 'ロット番号を予診票の貼付シールで訂正',
			replaces: dose.eventId
		});
		expect(history.records).toMatchObject([{ lot: 'FA1234', versions: 2, status: 'active' }]);
		expect(history.items.map((i) => [i.reason, i.status])).toEqual([['lot-unknown', 'corrected']]);
		expect(
			await count(
				`SELECT count(*)::int AS n FROM audit_log WHERE action = 'ticket.view' AND target = '${TENANT}/${t(9)}'`
			)
		).toBe(1);
		const bad = await staff.request(`/api/office/tickets/131017/${t(9)}`);
		expect([bad.status, await errorCode(bad)]).toEqual([400, 'BAD_MUNICIPALITY']);
	});

	it('rebuilds projections equal to the live ones, office events included', async () => {
		const snapshot = async () => ({
			events: (
				await server.ledger.db.query(
					'SELECT event_id, batch_id, device_id, update_seq, office_seq, type, municipality, ticket_number, dose_number, given_at, recorded_at, replaces, payload FROM dose_events ORDER BY event_id'
				)
			).rows,
			records: (await server.ledger.db.query('SELECT * FROM dose_records ORDER BY record_id')).rows
		});
		const live = await snapshot();
		expect(live.events.filter((e) => e.office_seq !== null)).toHaveLength(2);
		await rebuildProjections(server.ledger.db);
		expect(await snapshot()).toEqual(live);
	});
});
