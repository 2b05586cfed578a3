import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rebuildProjections } from '../../sync-server/ledger/rebuild';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { issueEnrolmentCode } from '../helpers/server-process';

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
				'SELECT event_id, batch_id, device_id, update_seq, type, municipality, ticket_number, dose_number, given_at, recorded_at, replaces, payload FROM dose_events ORDER BY event_id'
			)
		).rows,
		records: (await server.ledger.db.query('SELECT * FROM dose_records ORDER BY record_id')).rows
	});

	it('recomputes projections equal to the live ones', async () => {
		const devices = [await MemoryDevice.enrol(await issueEnrolmentCode(server.url)), await MemoryDevice.enrol(await issueEnrolmentCode(server.url))];
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
});
