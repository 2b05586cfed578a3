import { freePort } from '../helpers/free-port';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { pgliteRows } from '../helpers/ledger-rows';
import { MemoryDevice } from '../helpers/memory-device';
import { BACKENDS, createTestDatabase, type Backend } from '../helpers/postgres';
import { issueEnrolmentCode, startServerProcess, type ServerProcess } from '../helpers/server-process';

describe.each(BACKENDS)('kill -9 of the server during ingest (%s)', (backend: Backend) => {
	const cleanups: (() => Promise<void>)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	it(
		'loses no receipted dose, and after resync every recorded dose is there exactly once',
		{ timeout: 180_000 },
		async () => {
			const dataDir = await mkdtemp(join(tmpdir(), 'vacc-crash-'));
			cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
			const db = backend === 'postgres' ? await createTestDatabase() : null;
			if (db) cleanups.push(db.drop);
			const env = { PORT: String(await freePort()), HANDSHAKE_BURST: '1000', ...(db ? { DATABASE_URL: db.url } : {}) };

			let server: ServerProcess = await startServerProcess(env, dataDir);
			cleanups.push(() => server.kill());
			const devices: MemoryDevice[] = [];
			for (let i = 0; i < 10; i++) devices.push(await MemoryDevice.enrol(await issueEnrolmentCode(server.url)));
			cleanups.push(async () => devices.forEach((d) => d.stop()));
			const DOSES = 150;
			for (const d of devices)
				for (let j = 0; j < DOSES; j++) d.append(d.doseEvent({}, String(j + 1).padStart(10, '0')));

			// Kill once some devices have receipts and others are still sending.
			const receipted = () => devices.reduce((n, d) => n + d.count('receipted'), 0);
			for (const d of devices) d.start();
			await Promise.race(devices.map((d) => d.until(() => d.count('receipted') > 0)));
			await server.kill();
			const receiptedAtKill = devices.flatMap((d) =>
				[...d.events.entries()].filter(([, e]) => e.state === 'receipted').map(([id]) => id)
			);
			expect(receiptedAtKill.length).toBeGreaterThan(0);
			expect(receiptedAtKill.length).toBeLessThan(devices.length * DOSES);

			// Restart on the same port and data; the devices reconnect by themselves.
			server = await startServerProcess(env, dataDir);
			await Promise.all(devices.map((d) => d.until(() => d.count('receipted') === DOSES)));
			expect(receipted()).toBe(devices.length * DOSES);
			await server.stop();

			const ids = db
				? await (async () => {
						const c = new pg.Client({ connectionString: db.url });
						await c.connect();
						try {
							return (await c.query<{ event_id: string }>('SELECT event_id FROM dose_events')).rows.map(
								(r) => r.event_id
							);
						} finally {
							await c.end();
						}
					})()
				: (await pgliteRows<{ event_id: string }>(dataDir, 'SELECT event_id FROM dose_events')).map((r) => r.event_id);
			const recorded = devices.flatMap((d) => [...d.events.keys()]);
			expect(ids.length).toBe(recorded.length);
			expect(new Set(ids)).toEqual(new Set(recorded));
			for (const id of receiptedAtKill) expect(ids).toContain(id);
		}
	);
});
