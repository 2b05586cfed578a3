import { afterEach, describe, expect, it } from 'vitest';
import { MemoryDevice } from '../helpers/memory-device';
import { StationDevice } from '../helpers/station-device';
import { startPrivatePostgres } from '../helpers/private-postgres';
import { faultSeed, seededRandom } from '../helpers/seeded-random';
import { issueEnrolmentCode, startServerProcess } from '../helpers/server-process';
import { eventIdsIn, receiptedAtLeast, recordWhileSyncing } from '../helpers/workload';
import { doseEventIds } from './dose-ids';

const DEVICES = 6;
const DOSES = 50;
const RESTARTS = 2;

describe('PostgreSQL restarted during ingest', () => {
	const cleanups: (() => Promise<unknown> | void)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	const seed = faultSeed();
	it(`the servers reconnect, transactions in flight fail cleanly, devices resend: nothing lost (seed ${seed})`, async ({
		onTestFailed
	}) => {
		const random = seededRandom(seed);
		const pg = await startPrivatePostgres();
		cleanups.push(() => pg.cleanup());
		const env = { DATABASE_URL: pg.url, HANDSHAKE_BURST: '10000' };
		const one = await startServerProcess(env);
		cleanups.push(() => one.cleanup());
		const two = await startServerProcess(env);
		cleanups.push(() => two.cleanup());
		let serverLog = '';
		for (const s of [one, two]) s.child.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));

		// A watcher on process 2 follows the venue: its notices connection drops at each restart.
		// It only reads the venue view (MemoryDevice's, synchronously); the recording devices run BatchStore.
		const watcher = await MemoryDevice.enrol(await issueEnrolmentCode(two.url));
		watcher.venueDay = '2026-11-22';
		watcher.start();
		cleanups.push(() => watcher.stop());
		const devices: StationDevice[] = [];
		for (let i = 0; i < DEVICES; i++) devices.push(await StationDevice.enrol(await issueEnrolmentCode(one.url)));
		cleanups.push(() => devices.forEach((d) => d.close()));
		for (const d of devices) d.start();
		// A timeout says only that something waited too long: say what and where.
		onTestFailed(() => {
			const states = devices.map(
				(d, i) =>
					`device ${i}: ${(['local', 'sent', 'receipted', 'refused'] as const).map((s) => `${s} ${d.count(s)}`).join(', ')}; ${JSON.stringify(d.status)}`
			);
			const recorded = devices.flatMap((d) => [...d.events.keys()]);
			const seen = new Set(watcher.venueEvents().map((e) => e.id));
			console.log(
				[
					...states,
					`watcher sees ${recorded.filter((id) => seen.has(id)).length} of ${recorded.length}; ${JSON.stringify(watcher.status)}`,
					'server log (tail):',
					serverLog.slice(-6000)
				].join('\n')
			);
		});
		const total = DEVICES * DOSES;
		const done = recordWhileSyncing(devices, DOSES, random);

		// A server that dies of a restart fails the test at once, not at its timeout.
		const died = new Promise<never>((_, reject) => {
			for (const s of [one, two])
				s.child.once('exit', (code, signal) =>
					reject(new Error(`a sync server exited (${code ?? signal}) during the restarts`))
				);
		});
		died.catch(() => undefined);
		const moments = Array.from({ length: RESTARTS }, (_, i) => Math.floor(((i + random()) / (RESTARTS + 1)) * total));
		for (const at of moments) {
			await Promise.race([receiptedAtLeast(devices, at), died]);
			await pg.restart();
		}
		await Promise.race([done, died]);
		expect(eventIdsIn(devices, 'receipted').length).toBe(total);
		expect(eventIdsIn(devices, 'refused')).toEqual([]);
		// The restarts did hit the servers (their notice connections dropped and came back: the
		// watcher's view below), neither died of it, and both serve again.
		expect(serverLog).toContain('notice connection lost');
		for (const s of [one, two]) {
			expect(s.child.exitCode).toBeNull();
			expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
			// Ready again by itself: the ledger answers and the notice connection is back.
			await expect
				.poll(async () => (await (await fetch(`${s.url}/readyz`)).json()) as unknown, {
					timeout: 30_000,
					interval: 200
				})
				.toMatchObject({ status: 'ready', ledger: { ok: true, backend: 'postgres' }, notices: { ok: true } });
		}
		const seen = () => new Set(watcher.venueEvents().map((e) => e.id));
		await watcher.until(() => devices.every((d) => [...d.events.keys()].every((id) => seen().has(id))));

		const ids = await doseEventIds({ databaseUrl: pg.url, dataDir: '' });
		const recorded = devices.flatMap((d) => [...d.events.keys()]);
		expect(ids.length).toBe(recorded.length);
		expect(new Set(ids)).toEqual(new Set(recorded));
		console.log(`postgres-restart seed ${seed}: restarts after ${moments.join(', ')} of ${total} receipts`);
	});
});
