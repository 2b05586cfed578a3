import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Item } from '../../sync-server/reconciliation/items';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

/** 2026-11-22 10:00 in Japan, whatever the day the suite runs. */
const SERVER_NOW = Date.parse('2026-11-22T01:00:00.000Z');
const on = (d: MemoryDevice, day: string) => ({
	batch: d.batchFor(day),
	givenAt: `${day}T01:00:00.000Z`,
	recordedAt: `${day}T01:00:30.000Z`
});

/**
 * The server's clock decides which service days lie in the future: a device that records into
 * a batch more than a day ahead gets those records refused (SERVICE_DAY_FUTURE) through the
 * real protocol, keeps them marked refused, and the office queue shows the refusal; its other
 * records flow as usual. The welcome carries the same clock's time.
 */
describe.each(BACKENDS)('future service days on %s', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	let d: MemoryDevice;

	beforeAll(async () => {
		server = await startBackendServer(backend, {}, { now: () => SERVER_NOW });
		admin = await OfficeClient.login(server.url);
		d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
	});
	afterAll(async () => {
		d.stop();
		await server.dispose();
	});

	it('refuses the future batch, receipts the others, and queues the refusal for the office', async () => {
		const today = d.doseEvent(on(d, '2026-11-22'), '0000000001');
		const tomorrow = d.doseEvent(on(d, '2026-11-23'), '0000000002');
		const ahead = [d.doseEvent(on(d, '2099-12-31'), '0000000003'), d.doseEvent(on(d, '2099-12-31'), '0000000004')];
		for (const ev of [today, tomorrow, ...ahead]) d.append(ev);
		d.start();
		await d.until(() => d.count('receipted') === 2 && d.count('refused') === 2);
		for (const ev of ahead)
			expect(d.events.get(ev.id)).toMatchObject({ state: 'refused', refusal: 'SERVICE_DAY_FUTURE' });
		expect(d.welcome?.serverTime).toBe(new Date(SERVER_NOW).toISOString());

		const stored = await server.ledger.db.query<{ id: string }>('SELECT id FROM batches ORDER BY id');
		expect(stored.rows.map((r) => r.id)).toEqual([d.batchFor('2026-11-22'), d.batchFor('2026-11-23')]);
		const staff = await admin.createUser('staff');
		await vi.waitFor(
			async () => {
				const { items } = await staff.json<{ items: Item[] }>(
					'GET',
					'/api/office/reconciliation/items?status=open&reason=refused-update'
				);
				// One item per refused record (issue 13), each with its ticket.
				expect(items.map((i) => [i.batchId, i.details.code, i.details.eventIds, i.ticketNumber])).toEqual(
					ahead.map((e, n) => [d.batchFor('2099-12-31'), 'SERVICE_DAY_FUTURE', [e.id], `000000000${n + 3}`])
				);
			},
			{ timeout: 30_000, interval: 50 }
		);
	});
});
