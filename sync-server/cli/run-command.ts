import type { Config } from '../config';
import type { Ledger } from '../ledger/ledger';
import { openLedger } from '../ledger/open';

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

/** The ledger of this configuration, open for one command and closed after it whatever happens. */
export async function withLedger<T>(config: Config, fn: (ledger: Ledger) => Promise<T>): Promise<T> {
	const ledger = await openLedger({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
	try {
		return await fn(ledger);
	} finally {
		await ledger.db.close();
	}
}
