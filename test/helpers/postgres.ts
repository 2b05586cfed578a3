import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { removeTestKeyFile, testKeyFile } from './key-file';

/** Server and maintenance database used to create a throw-away database per test file. */
export const PG_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
	url: string;
	drop(): Promise<void>;
}

/** A fresh PostgreSQL database of its own, dropped (with its connections) by drop(). */
export async function createTestDatabase(): Promise<TestDatabase> {
	const name = `vacc_test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
	await admin.connect();
	try {
		await admin.query(`CREATE DATABASE ${name}`);
	} finally {
		await admin.end();
	}
	const url = new URL(PG_ADMIN_URL);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: async () => {
			const c = new pg.Client({ connectionString: PG_ADMIN_URL });
			await c.connect();
			try {
				await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			} finally {
				await c.end();
			}
			// The key file the test servers on this database shared (test/helpers/key-file.ts).
			await removeTestKeyFile(testKeyFile({ DATABASE_URL: url.toString() }, ''));
		}
	};
}

export type Backend = 'pglite' | 'postgres';
export const BACKENDS: Backend[] = ['pglite', 'postgres'];

/** Environment for a server on the given backend, and how to clean up after it. */
export async function backendEnv(
	backend: Backend
): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
	if (backend === 'pglite') return { env: {}, cleanup: async () => undefined };
	const db = await createTestDatabase();
	return { env: { DATABASE_URL: db.url }, cleanup: db.drop };
}
