import pg from 'pg';
import type { SqlDatabase, SqlExecutor } from './sql';

// int8 (bigserial sequence numbers, counts) as JavaScript numbers: our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** PostgreSQL through a connection pool, for DATABASE_URL deployments and scale-out. */
export async function openPostgres(connectionString: string): Promise<SqlDatabase> {
	const pool = new pg.Pool({ connectionString, max: 10 });
	// An idle client losing its connection (a PostgreSQL restart) must not crash the process;
	// the pool discards it and the next query opens a new one.
	pool.on('error', () => undefined);
	await pool.query('SELECT 1');
	const wrap = (q: pg.Pool | pg.PoolClient): SqlExecutor => ({
		query: async <T>(text: string, params?: unknown[]) => ({ rows: (await q.query(text, params)).rows as T[] }),
		exec: async (script) => {
			await q.query(script);
		}
	});
	const direct = wrap(pool);
	return {
		backend: 'postgres',
		query: direct.query,
		exec: direct.exec,
		transaction: async (fn) => {
			const client = await pool.connect();
			// The pool stops listening for a client's errors while it is checked out. A connection
			// lost between two of the transaction's queries (PostgreSQL restarted while the code
			// in between runs) is then an 'error' event nobody handles, and that ends the process.
			// Here it is noted instead: the next query fails on its own, the transaction rejects,
			// and the client is given back broken, so the pool discards it.
			let failure: Error | undefined;
			const onError = (e: Error) => {
				failure = e;
			};
			client.on('error', onError);
			try {
				await client.query('BEGIN');
				const result = await fn(wrap(client));
				await client.query('COMMIT');
				return result;
			} catch (e) {
				await client.query('ROLLBACK').catch((rollbackError: Error) => {
					// A client that cannot even roll back is in an unknown state: never reuse it.
					failure ??= rollbackError;
				});
				throw e;
			} finally {
				client.removeListener('error', onError);
				client.release(failure);
			}
		},
		close: () => pool.end()
	};
}
