import type { Config } from '../config';
import { openLedgerWithSecrets, type OpenedLedger } from '../secrets/open';

/**
 * Runs a command-line tool's main: the number it resolves to is the exit code; an error prints
 * its message only (no stack: an operator reads it, and it may sit in a shell log) and exits 1.
 */
export function runCommand(main: () => Promise<number>): void {
	main().then(
		(code) => process.exit(code),
		(e: unknown) => {
			console.error(e instanceof Error ? e.message : e);
			process.exit(1);
		}
	);
}

/**
 * The ledger of this configuration, open for one command and closed after it whatever happens.
 * Opened as the server opens it, with the same SERVER_KEY_FILE: a file that does not open the
 * ledger's keys is refused, and a ledger still holding clear secrets is sealed with it.
 */
export async function withLedger<T>(
	config: Pick<Config, 'databaseUrl' | 'dataDir' | 'serverKeyFile'>,
	fn: (opened: OpenedLedger) => Promise<T>
): Promise<T> {
	const opened = await openLedgerWithSecrets({
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		serverKeyFile: config.serverKeyFile
	});
	try {
		return await fn(opened);
	} finally {
		await opened.ledger.db.close();
	}
}
