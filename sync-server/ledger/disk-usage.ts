import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { freeBytes } from './disk-guard';
import type { SqlExecutor } from './sql';

export interface DiskUsage {
	/** The database's own size (pg_database_size): tables, indexes, TOAST. */
	databaseBytes: number;
	/** PGlite: everything its data directory holds on disk, the WAL segments included. */
	dataDirBytes: number | null;
	/** PGlite: free bytes on the data directory's filesystem. */
	freeBytes: number | null;
}

async function directoryBytes(dir: string): Promise<number> {
	let total = 0;
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) total += await directoryBytes(path);
		else if (entry.isFile()) total += (await stat(path)).size;
	}
	return total;
}

/** What `npm run ledger -- stats` shows of the disk (dataDir: the PGlite data directory, or null on PostgreSQL). */
export async function diskUsage(db: SqlExecutor, dataDir: string | null): Promise<DiskUsage> {
	const { rows } = await db.query<{ bytes: number | string }>('SELECT pg_database_size(current_database()) AS bytes');
	return {
		databaseBytes: Number(rows[0]!.bytes),
		dataDirBytes: dataDir ? await directoryBytes(dataDir) : null,
		freeBytes: dataDir ? await freeBytes(dataDir) : null
	};
}
