import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from './sql';

/**
 * Embedded PostgreSQL (WASM) on the calling thread, with its data directory on disk. The server
 * and the CLIs open the ledger in a supervised worker thread instead (pglite-thread.ts); this is
 * for tests that read a stopped server's data directory.
 */
export async function openPglite(dataDir: string): Promise<SqlDatabase> {
	const db = await PGlite.create(dataDir);
	const wrap = (q: PGlite | Transaction): SqlExecutor => ({
		query: async <T>(text: string, params?: unknown[]) => ({
			rows: (await q.query<T>(text, params as unknown[])).rows
		}),
		exec: async (script) => {
			await q.exec(script);
		}
	});
	const direct = wrap(db);
	return {
		backend: 'pglite',
		query: direct.query,
		exec: direct.exec,
		// PGlite serialises transactions itself: other queries wait until the transaction ends.
		transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
		close: () => db.close(),
		listen: (channel, onNotice) => db.listen(channel, onNotice)
	};
}
