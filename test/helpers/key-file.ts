import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * The server key file (SERVER_KEY_FILE) a test server uses, in a temporary directory of its own
 * outside the data directory. Derived from where the ledger is, so every server on one ledger
 * shares it — a restart on the same data directory, several processes on one PostgreSQL
 * database, a CLI run on it — as real deployments share theirs. An explicit SERVER_KEY_FILE wins.
 */
export function testKeyFile(env: Record<string, string | undefined>, dataDir: string): string {
	if (env.SERVER_KEY_FILE) return env.SERVER_KEY_FILE;
	let scope: string;
	if (env.DATABASE_URL) {
		const url = new URL(env.DATABASE_URL);
		scope = `pg-${url.hostname}-${url.port || '5432'}-${url.pathname.slice(1)}`;
	} else {
		scope = `pglite-${basename(dataDir)}`;
	}
	return join(tmpdir(), 'vacc-test-keys', scope.replace(/[^A-Za-z0-9_.-]/g, '_'), 'server.key');
}

/** Removes a test key file and its directory. */
export async function removeTestKeyFile(path: string): Promise<void> {
	await rm(dirname(path), { recursive: true, force: true });
}
