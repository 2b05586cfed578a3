import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ledger } from './ledger';
import { migrate } from './migrate';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import type { SqlDatabase } from './sql';

export interface LedgerLocation {
	/** postgres://… selects PostgreSQL; otherwise PGlite in dataDir. */
	databaseUrl?: string | undefined;
	dataDir: string;
}

export async function openDatabase(loc: LedgerLocation): Promise<SqlDatabase> {
	if (loc.databaseUrl) return openPostgres(loc.databaseUrl);
	await mkdir(loc.dataDir, { recursive: true });
	return openPglite(join(loc.dataDir, 'ledger'));
}

/** Opens the database, brings its schema up to date and returns the ledger on it. */
export async function openLedger(loc: LedgerLocation): Promise<Ledger> {
	const db = await openDatabase(loc);
	await migrate(db);
	return new Ledger(db);
}
