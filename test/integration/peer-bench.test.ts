import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BATCH_EVENTS } from '#shared/index';
import { startCpuMeter } from '../bench/cpu-meter';
import { runHocuspocus } from '../bench/hocuspocus-peer';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

/** One update per change, as a tablet makes them (the events' content does not matter to the peer). */
function documentUpdates(doc: string, changes: number) {
	const y = new Y.Doc({ gc: false });
	const updates: Uint8Array[] = [];
	y.on('update', (u: Uint8Array) => updates.push(u));
	for (let i = 0; i < changes; i++) y.getArray(BATCH_EVENTS).push([{ id: `${doc}-${i}` }]);
	y.destroy();
	return { doc, updates };
}

/** The peer bench's own parts that decide its figures, on a real PostgreSQL. */
describe('the peer bench', () => {
	let db: TestDatabase;
	beforeAll(async () => {
		db = await createTestDatabase();
	});
	afterAll(() => db?.drop());

	it('times Hocuspocus storing every change until every change is stored', async () => {
		const run = await runHocuspocus(db.url, [documentUpdates('a', 40), documentUpdates('b', 40)], 0);
		// Its first stores after the last changes already hold every dose; most stores are yet to
		// run then (the figure of the line until the eighth round of issue 14).
		expect(run.stores).toBeGreaterThanOrEqual(80);
		expect(run.everyChangeStored).toBeGreaterThanOrEqual(run.holdsEveryDose);
	});

	it("meters the database's CPU as well as this process's", async () => {
		const pool = new pg.Pool({ connectionString: db.url, max: 1 });
		try {
			await pool.query('SELECT 1'); // the backend exists before the meter starts
			const stop = startCpuMeter();
			await pool.query('SELECT count(*) FROM generate_series(1, 3000000)');
			const busyUntil = performance.now() + 60;
			while (performance.now() < busyUntil); // this process's share: 60 ms on the main thread
			const used = stop();
			expect(used.postgres).toBeGreaterThan(20);
			expect(used.node).toBeGreaterThan(30);
		} finally {
			await pool.end();
		}
	});
});
