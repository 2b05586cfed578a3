import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ledger } from './ledger';
import { migrate } from './migrate';
import type { Sealer } from '../secrets/sealer';
import { openPgliteThread, type PgliteThreadOptions } from './pglite-thread';
import { openPostgres } from './postgres';
import type { SqlDatabase } from './sql';

export interface LedgerLocation {
	/** postgres://… selects PostgreSQL; otherwise PGlite in dataDir. */
	databaseUrl?: string | undefined;
	dataDir: string;
	/** The embedded ledger's thread: call bound, test hooks, health changes (defaults: 30 s, off). */
	pglite?: Partial<PgliteThreadOptions>;
}

export async function openDatabase(loc: LedgerLocation): Promise<SqlDatabase> {
	if (loc.databaseUrl) return openPostgres(loc.databaseUrl);
	await mkdir(loc.dataDir, { recursive: true });
	// In its own supervised worker thread (pglite-thread.ts), never on the server's main thread.
	return openPgliteThread(join(loc.dataDir, 'ledger'), { callTimeoutMs: 30_000, ...loc.pglite });
}

/**
 * Opens the database, brings its schema up to date and returns the ledger on it. The sealer (of
 * the key file) is needed to upgrade a ledger that still holds secrets in clear; the server and
 * the CLIs open the ledger through openLedgerWithSecrets (sync-server/secrets/open.ts).
 */
export async function openLedger(loc: LedgerLocation & { sealer?: Sealer }): Promise<Ledger> {
	const db = await openDatabase(loc);
	try {
		await migrate(db, { sealer: loc.sealer });
	} catch (e) {
		await db.close();
		throw e;
	}
	return new Ledger(db);
}
