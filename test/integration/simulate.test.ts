import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { simulate } from '../tools/simulate';

/**
 * `npm run simulate` records on the store the PWA ships (BatchStore) by default, and on
 * MemoryDevice's maps when asked (the load run and the bench): both end with every dose in the ledger.
 */
describe('the simulator', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer();
	});
	afterAll(() => server?.dispose());

	it.each([
		{ store: 'station', offlineFirst: true },
		{ store: 'station', offlineFirst: false },
		{ store: 'memory', offlineFirst: true }
	] as const)('receipts every dose on the $store store (offline first: $offlineFirst)', async (opts) => {
		const r = await simulate({ url: server.url, devices: 3, doses: 5, timeoutMs: 50_000, ...opts });
		expect(r.receipted).toBe(15);
		const { rows } = await server.ledger.db.query<{ event_id: string }>('SELECT event_id FROM dose_events');
		const stored = new Set(rows.map((row) => row.event_id));
		expect(r.eventIds.filter((id) => !stored.has(id))).toEqual([]);
		expect(new Set(r.eventIds).size).toBe(15);
		// Each dose on a ticket of its own (a day as a venue has it, not fifteen duplicates).
		const tickets = await server.ledger.db.query<{ ticket_number: string }>(
			'SELECT ticket_number FROM dose_records WHERE record_id = ANY($1::uuid[])',
			[r.eventIds]
		);
		expect(new Set(tickets.rows.map((t) => t.ticket_number)).size).toBe(15);
	});

	it('refuses a ticket range past ten digits before it enrols anything', async () => {
		const devicesNow = async () =>
			(await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM devices')).rows[0]!.n;
		const before = await devicesNow();
		await expect(
			simulate({ url: server.url, devices: 2, doses: 5, firstTicket: 9_999_999_995, offlineFirst: true })
		).rejects.toThrow('tickets 9999999995 to 10000000004 do not fit 10 digits');
		expect(await devicesNow()).toBe(before);
	});

	it.each([
		['--devices', 'ten'],
		['--doses', '0'],
		['--first-ticket', '-3']
	])('the command line refuses %s %s with its usage', async (flag, value) => {
		const script = fileURLToPath(new URL('../tools/simulate.ts', import.meta.url));
		const args = ['--import', 'tsx', script, '--url', server.url, '--user', 'u', flag, value];
		const failed = await promisify(execFile)(process.execPath, args, {
			env: { ...process.env, ADMIN_PASSWORD: 'unused' }
		}).then(
			() => null,
			(e: { code: number; stderr: string }) => e
		);
		expect(failed?.code).toBe(2);
		expect(failed?.stderr).toContain('positive whole numbers');
	});
});
