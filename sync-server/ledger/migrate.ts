import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sealClearSecrets } from '../secrets/seal-clear-secrets';
import type { Sealer } from '../secrets/sealer';
import type { SqlDatabase, SqlExecutor } from './sql';
import { ADVISORY_LOCKS } from './advisory-locks';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface MigrateOptions {
	/** Seals secrets a migration finds in clear (the key file's sealer). */
	sealer?: Sealer | undefined;
	/** Stop after this version (tests of upgrades build a ledger as an older release left it). */
	upTo?: number;
}

/**
 * Steps in code that run right after a migration's SQL, in its transaction, for what SQL alone
 * cannot do. Each migration's SQL file says when it has one.
 */
const STEPS: Record<number, (tx: SqlExecutor, options: MigrateOptions) => Promise<void>> = {
	13: (tx, o) => sealClearSecrets(tx, o.sealer)
};

/**
 * Applies the numbered SQL files in migrations/ that this database has not seen, each in its
 * own transaction together with its row in schema_migrations. An advisory lock makes several
 * server processes starting on one PostgreSQL apply each migration once. `until` stops after that
 * number (tests that put old rows in an old schema and then migrate it).
 */
export async function migrate(db: SqlDatabase, options: MigrateOptions = {}): Promise<number[]> {
	const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
	await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY,
		name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`);
	const applied: number[] = [];
	for (const file of files) {
		const version = Number(file.slice(0, 4));
		if (options.upTo !== undefined && version > options.upTo) break;
		const script = await readFile(MIGRATIONS_DIR + file, 'utf8');
		const ran = await db.transaction(async (tx) => {
			await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.migrations]);
			const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
			if (done.rows.length > 0) return false;
			await tx.exec(script);
			await STEPS[version]?.(tx, options);
			await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, file]);
			return true;
		});
		if (ran) applied.push(version);
	}
	return applied;
}
