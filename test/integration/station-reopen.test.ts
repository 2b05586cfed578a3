import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#shared/ids';
import type { BatchReopenEvent } from '#shared/index';
import type { BatchSummary, Item } from '#shared/office/reconciliation-api';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { batchClose } from '../helpers/reconcile';
import { issueEnrolmentCode } from '../helpers/server-process';

const DAY = '2026-11-22';

/**
 * A day closed by mistake on the station is reopened (a batch-reopen event with its reason, so
 * the ledger shows it) and recording goes on; the batch is open again, and the tally that counts
 * is the last close's. On each backend, through a real device and server, in order.
 */
describe.each(BACKENDS)('reopening a closed day on %s', (backend) => {
	let server: TestServer;
	let staff: OfficeClient;
	let device: MemoryDevice;

	const sync = async (...events: Record<string, unknown>[]) => {
		const before = device.count('receipted');
		for (const e of events) device.append(e);
		await device.until(() => device.count('receipted') === before + events.length);
		await server.reconciler.idle();
	};
	const batch = async () =>
		(await staff.json<{ batch: BatchSummary }>('GET', `/api/office/batches/${device.batchFor(DAY)}`)).batch;
	const tallyItems = async () =>
		(
			await staff.json<{ items: Item[] }>(
				'GET',
				`/api/office/reconciliation/items?reason=tally-mismatch&batch=${encodeURIComponent(device.batchFor(DAY))}`
			)
		).items;
	const reopen = (reason: string, at: string): BatchReopenEvent => ({
		id: newId(),
		type: 'batch-reopen',
		batch: device.batchFor(DAY),
		device: device.identity.deviceId,
		operator: 'N001',
		recordedAt: at,
		reason
	});
	const dose = (n: number, at: string) =>
		device.doseEvent({ batch: device.batchFor(DAY), givenAt: at, recordedAt: at }, String(n).padStart(10, '0'));

	beforeAll(async () => {
		server = await startBackendServer(backend);
		const admin = await OfficeClient.login(server.url);
		staff = await admin.createUser('staff');
		device = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: '受付1' }, admin)
		);
		device.start();
	});
	afterAll(async () => {
		device?.stop();
		await server.dispose();
	});

	it('a close by mistake, reopened with its reason: the batch is open again and its reopen is in the ledger', async () => {
		await sync(dose(1, `${DAY}T01:00:00.000Z`), dose(2, `${DAY}T01:10:00.000Z`), {
			...batchClose(device, 2, DAY),
			recordedAt: `${DAY}T02:00:00.000Z`
		});
		expect(await batch()).toMatchObject({ state: 'received', paperTally: 2 });
		const ev = reopen('締めを押し間違えた（午後の部がある）', `${DAY}T02:01:00.000Z`);
		await sync(ev);
		expect((await batch()).state).toBe('open');
		const stored = (
			await server.ledger.db.query<{ type: string; payload: unknown }>(
				'SELECT type, payload FROM dose_events WHERE event_id = $1',
				[ev.id]
			)
		).rows[0]!;
		expect(stored.type).toBe('batch-reopen');
		expect(typeof stored.payload === 'string' ? JSON.parse(stored.payload) : stored.payload).toMatchObject({
			reason: '締めを押し間違えた（午後の部がある）'
		});
	});

	it('recording goes on; the next close is the one whose tally counts', async () => {
		await sync(dose(3, `${DAY}T05:00:00.000Z`));
		// While open, the old close's tally (2) is not compared with the three records.
		expect(await tallyItems()).toEqual([]);
		await sync({ ...batchClose(device, 4, DAY), recordedAt: `${DAY}T08:00:00.000Z` });
		expect(await batch()).toMatchObject({ state: 'received', paperTally: 4, doses: 3 });
		expect(await tallyItems()).toMatchObject([{ status: 'open', details: { paperTally: 4, records: 3 } }]);
	});

	it('refuses a reopen without a reason (the schema), naming it; nothing changes', async () => {
		const bad = reopen(' ', `${DAY}T08:05:00.000Z`);
		device.append(bad);
		await device.until(() => device.count('refused') === 1);
		await server.reconciler.idle();
		expect((await batch()).state).toBe('received');
	});
});
