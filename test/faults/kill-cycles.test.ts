import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StationDevice } from '../helpers/station-device';
import { BACKENDS, createTestDatabase, type Backend } from '../helpers/postgres';
import { faultSeed, seededRandom } from '../helpers/seeded-random';
import { issueEnrolmentCode, startServerProcess, type ServerProcess } from '../helpers/server-process';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { eventIdsIn, receiptedAtLeast, recordWhileSyncing } from '../helpers/workload';
import { doseEventIds } from './dose-ids';

const CYCLES = 5;
const DEVICES = 6;
const DOSES = 40;

describe.each(BACKENDS)('kill -9 of the server at random moments during ingest (%s)', (backend: Backend) => {
	const cleanups: (() => Promise<unknown> | void)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	const seed = faultSeed();
	it(`${CYCLES} kills, restarts on the same data: no receipted dose lost, every dose once (seed ${seed})`, async () => {
		const random = seededRandom(seed);
		const dataDir = await mkdtemp(join(tmpdir(), 'vacc-faults-'));
		cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
		const db = backend === 'postgres' ? await createTestDatabase() : null;
		if (db) cleanups.push(db.drop);
		const env = { HANDSHAKE_BURST: '10000', ...(db ? { DATABASE_URL: db.url } : {}) };

		let server: ServerProcess = await startServerProcess(env, dataDir);
		cleanups.push(() => server.kill());
		// Devices keep one address while the server behind it dies and comes back on another port.
		const front = await startTcpProxy(Number(new URL(server.url).port));
		cleanups.push(() => front.close());
		const devices: StationDevice[] = [];
		for (let i = 0; i < DEVICES; i++) devices.push(await StationDevice.enrol(await issueEnrolmentCode(front.url)));
		cleanups.push(() => devices.forEach((d) => d.close()));
		for (const d of devices) d.start();
		const total = DEVICES * DOSES;
		const done = recordWhileSyncing(devices, DOSES, random);

		// Kill moments: distinct receipt counts spread over the run, drawn from the seed.
		const moments = Array.from({ length: CYCLES }, (_, i) => Math.floor(((i + random()) / (CYCLES + 1)) * total));
		const receiptedAtKills = new Set<string>();
		for (const at of moments) {
			await receiptedAtLeast(devices, at);
			front.hold();
			await server.kill();
			for (const id of eventIdsIn(devices, 'receipted')) receiptedAtKills.add(id);
			server = await startServerProcess(env, dataDir);
			front.setTarget(Number(new URL(server.url).port));
		}
		await done;
		expect(eventIdsIn(devices, 'receipted').length).toBe(total);
		expect(eventIdsIn(devices, 'refused')).toEqual([]);
		await server.stop();

		const ids = await doseEventIds({ databaseUrl: db?.url, dataDir });
		const recorded = devices.flatMap((d) => [...d.events.keys()]);
		expect(ids.length).toBe(recorded.length);
		expect(new Set(ids)).toEqual(new Set(recorded));
		// Receipted before some kill: in the ledger (the check above), and never given back.
		for (const id of receiptedAtKills) expect(ids).toContain(id);
		console.log(`kill-cycles ${backend} seed ${seed}: kills after ${moments.join(', ')} of ${total} receipts`);
	});
});
