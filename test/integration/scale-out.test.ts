import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryDevice } from '../helpers/memory-device';
import { createTestDatabase } from '../helpers/postgres';
import { faultSeed, seededRandom } from '../helpers/seeded-random';
import { issueEnrolmentCode, startServerProcess } from '../helpers/server-process';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { eventIdsIn, receiptedAtLeast, recordWhileSyncing } from '../helpers/workload';

const DAY = '2026-11-22';
const portOf = (url: string) => Number(new URL(url).port);

async function doseEventIds(url: string): Promise<string[]> {
	const c = new pg.Client({ connectionString: url });
	await c.connect();
	try {
		return (await c.query<{ event_id: string }>('SELECT event_id FROM dose_events')).rows.map((r) => r.event_id);
	} finally {
		await c.end();
	}
}

const seed = faultSeed();

describe('scale-out: several server processes on one PostgreSQL', () => {
	const cleanups: (() => Promise<unknown> | void)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	it(
		`a device on either process sees its venue's view; a process killed mid-ingest loses nothing (seed ${seed})`,
		{ timeout: 180_000 },
		async () => {
			const random = seededRandom(seed);
			const db = await createTestDatabase();
			cleanups.push(db.drop);
			const env = { DATABASE_URL: db.url, HANDSHAKE_BURST: '1000' };
			const one = await startServerProcess(env);
			cleanups.push(() => one.cleanup());
			const two = await startServerProcess(env);
			cleanups.push(() => two.cleanup());

			// B watches the venue from process 2; A records on process 1.
			const b = await MemoryDevice.enrol(await issueEnrolmentCode(two.url));
			b.venueDay = DAY;
			b.start();
			cleanups.push(() => b.stop());
			await b.until(() => b.status.state === 'online');
			const a = await MemoryDevice.enrol(await issueEnrolmentCode(one.url));
			for (let i = 0; i < 3; i++) a.append(a.doseEvent());
			a.start();
			cleanups.push(() => a.stop());
			await a.until(() => a.count('receipted') === 3);
			const seen = () => new Set(b.venueEvents().map((e) => e.id));
			await b.until(() => [...a.events.keys()].every((id) => seen().has(id)));
			// Recorded after B's snapshot: this one can only have come as a notice.
			a.append(a.doseEvent());
			await b.until(() => [...a.events.keys()].every((id) => seen().has(id)));

			// Devices reach the processes through a load balancer (the proxy), sending to process 1.
			const balancer = await startTcpProxy(portOf(one.url));
			cleanups.push(() => balancer.close());
			const devices: MemoryDevice[] = [];
			for (let i = 0; i < 6; i++) devices.push(await MemoryDevice.enrol(await issueEnrolmentCode(balancer.url)));
			cleanups.push(() => devices.forEach((d) => d.stop()));
			const DOSES = 30;
			const total = devices.length * DOSES;
			for (const d of devices) d.start();
			const done = recordWhileSyncing(devices, DOSES, random);
			await receiptedAtLeast(devices, 1 + Math.floor(random() * (total * 0.6)));
			// kill -9 in the middle of ingest; the balancer sends every reconnect to process 2.
			balancer.setTarget(portOf(two.url));
			await one.kill();
			expect(eventIdsIn(devices, 'receipted').length).toBeLessThan(total);
			await done;
			expect(eventIdsIn(devices, 'receipted').length).toBe(total);
			expect(eventIdsIn(devices, 'refused')).toEqual([]);
			// Process 2 also carried what process 1 committed before it died to B's view.
			await b.until(() => devices.every((d) => [...d.events.keys()].every((id) => seen().has(id))));

			const ids = await doseEventIds(db.url);
			const recorded = [...a.events.keys(), ...devices.flatMap((d) => [...d.events.keys()])];
			expect(ids.length).toBe(recorded.length);
			expect(new Set(ids)).toEqual(new Set(recorded));
		}
	);
});
