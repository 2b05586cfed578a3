import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rebuildProjections } from '../../sync-server/ledger/rebuild';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { issueEnrolmentCode } from '../helpers/server-process';
import { OfficeClient } from '../helpers/office-client';

describe('ledger rebuild from raw updates', () => {
	let server: TestServer;
	beforeEach(async () => {
		server = await startTestServer();
	});
	afterEach(async () => {
		await server.dispose();
	});

	const snapshot = async () => ({
		events: (
			await server.ledger.db.query(
				'SELECT event_id, batch_id, device_id, update_seq, office_seq, type, municipality, ticket_number, dose_number, given_at, recorded_at, replaces, payload FROM dose_events ORDER BY event_id'
			)
		).rows,
		records: (await server.ledger.db.query('SELECT * FROM dose_records ORDER BY record_id')).rows
	});

	it('recomputes projections equal to the live ones', async () => {
		const devices = [
			await MemoryDevice.enrol(await issueEnrolmentCode(server.url)),
			await MemoryDevice.enrol(await issueEnrolmentCode(server.url))
		];
		for (const d of devices) {
			for (let i = 0; i < 4; i++) d.append(d.doseEvent());
			d.start();
		}
		for (const d of devices) await d.until(() => d.count('receipted') === 4);
		// Some more while connected: several raw updates per batch.
		for (const d of devices) d.append(d.doseEvent());
		for (const d of devices) await d.until(() => d.count('receipted') === 5);
		for (const d of devices) d.stop();

		const live = await snapshot();
		expect(live.events).toHaveLength(10);
		expect(live.records).toHaveLength(10);
		await server.ledger.db.query('DELETE FROM dose_records');
		await server.ledger.db.query('DELETE FROM dose_events');
		const result = await rebuildProjections(server.ledger.db);
		expect(result.events).toBe(10);
		expect(await snapshot()).toEqual(live);
	});

	it('replays back-office corrections and voids after the device updates', async () => {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url));
		d.append(d.doseEvent({ ticketDose: 2 }, '0000000001'));
		d.append(d.doseEvent({}, '0000000002'));
		d.append(d.doseEvent({}, '0000000002'));
		d.start();
		await d.until(() => d.count('receipted') === 3);
		d.stop();
		const staff = await (await OfficeClient.login(server.url)).createUser('staff');
		const run = () =>
			staff.json<{ items: { id: number; reason: string }[] }>('GET', '/api/office/reconciliation/items?status=open');
		await staff.json('POST', '/api/office/reconciliation/run');
		const open = (await run()).items;
		const mismatch = open.find((i) => i.reason === 'ticket-dose-mismatch')!;
		const duplicate = open.find((i) => i.reason === 'duplicate')!;
		await staff.json('POST', `/api/office/reconciliation/items/${mismatch.id}/correct`, {
			reason: '回数を予診票で確認',
			changes: { doseNumber: 2, givenAt: '2026-11-22T02:00:00.000Z' }
		});
		await staff.json('POST', `/api/office/reconciliation/items/${duplicate.id}/void`, { reason: '二重記録' });

		const live = await snapshot();
		expect(live.events.filter((e) => e.office_seq !== null)).toHaveLength(2);
		expect(live.records.filter((r) => r.status === 'voided')).toHaveLength(1);
		await server.ledger.db.query('DELETE FROM dose_records');
		await server.ledger.db.query('DELETE FROM dose_events');
		const result = await rebuildProjections(server.ledger.db);
		expect(result.events).toBe(5);
		expect(await snapshot()).toEqual(live);
	});
});
