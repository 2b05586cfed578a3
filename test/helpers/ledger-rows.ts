import { join } from 'node:path';
import { openPglite } from '../../sync-server/ledger/pglite';

/** Reads the embedded ledger of a stopped server directly: what is really on disk. */
export async function pgliteRows<T = Record<string, unknown>>(dataDir: string, sql: string): Promise<T[]> {
	const db = await openPglite(join(dataDir, 'ledger'));
	try {
		return (await db.query<T>(sql)).rows;
	} finally {
		await db.close();
	}
}
