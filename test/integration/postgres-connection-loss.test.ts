import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../sync-server/ledger/postgres';
import type { SqlDatabase } from '../../sync-server/ledger/sql';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../helpers/postgres';

/**
 * A PostgreSQL restart ends every session at once, including one that is in the middle of a
 * transaction while the server does its own work between two queries. That must fail the
 * transaction, not the process: a fault run once found a sync server dead of an unhandled
 * 'error' event on a checked-out pool client.
 */
describe('PostgreSQL connection lost inside a transaction', () => {
	let database: TestDatabase;
	let db: SqlDatabase;
	const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
	beforeAll(async () => {
		database = await createTestDatabase();
		db = await openPostgres(database.url);
		await admin.connect();
	});
	afterAll(async () => {
		await db?.close();
		await admin.end();
		await database?.drop();
	});

	it('rejects the transaction, keeps the process, and the pool serves again on a fresh connection', async () => {
		await db.exec('CREATE TABLE t (x int)');
		let pid = 0;
		const ended = db.transaction(async (tx) => {
			await tx.query('INSERT INTO t VALUES (1)');
			pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
			// Between two queries: the session is ended from outside, as a restart would. The
			// socket closes while no query of this client is running.
			await admin.query('SELECT pg_terminate_backend($1)', [pid]);
			await until(
				async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0
			);
			await tx.query('INSERT INTO t VALUES (2)');
		});
		await expect(ended).rejects.toThrow(/terminat|not queryable|Connection/i);
		// Nothing of the transaction was kept, and the next work gets a working connection.
		expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(0);
		const other = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
		expect(other).not.toBe(pid);
		await db.transaction(async (tx) => tx.query('INSERT INTO t VALUES (3)'));
		expect((await db.query<{ x: number }>('SELECT x FROM t')).rows).toEqual([{ x: 3 }]);
	});
});

/** Polls the database (not the clock) until the terminated session is gone. */
async function until(done: () => Promise<boolean>): Promise<void> {
	while (!(await done())) await new Promise((r) => setImmediate(r));
}
