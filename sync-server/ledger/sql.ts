import type { LedgerHealthReport } from './health';

/**
 * The one storage interface both ledger backends implement. Everything above it writes plain
 * PostgreSQL SQL, so PGlite (embedded) and PostgreSQL (scale-out) run the same statements.
 */
export interface SqlExecutor {
	query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
	/** A script of several statements without parameters (migrations). */
	exec(script: string): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
	readonly backend: 'pglite' | 'postgres';
	/** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
	transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
	close(): Promise<void>;
	/**
	 * Embedded PGlite only: notices (NOTIFY) its own sessions send on a channel, delivered after
	 * their commit. On PostgreSQL a LISTEN needs a dedicated connection: sync-server/transport/
	 * venue-notify.ts keeps one per process. Resolves to the unsubscribe function.
	 */
	listen?(channel: string, onNotice: (payload: string) => void): Promise<() => Promise<void>>;
	/** Embedded PGlite only: its supervisor's view (pglite-thread.ts). */
	health?(): LedgerHealthReport;
	/** Embedded PGlite only, with LEDGER_TEST_HOOKS=1: the ledger thread spins and answers no more. */
	blockForTest?(): void;
}
