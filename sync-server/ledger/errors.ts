/**
 * Failures of the ledger that will pass by themselves (a full disk freed, a database restarting,
 * a stuck embedded ledger reopened). Ingest answers them on the open connection as retryable
 * refusals instead of closing it, and the office API as 503, so nobody reconnects in a loop.
 */
export class LedgerUnavailableError extends Error {
	readonly code = 'LEDGER_UNAVAILABLE';
}

/** The ledger's filesystem is below the free-space threshold: new updates are not taken. */
export class LedgerFullError extends Error {
	readonly code = 'LEDGER_FULL';
}

/** PostgreSQL's disk_full, or the filesystem's ENOSPC as PGlite reports it. */
export function isDiskFull(e: unknown): boolean {
	if (e instanceof LedgerFullError) return true;
	const code = (e as { code?: unknown } | null)?.code;
	const message = e instanceof Error ? e.message : String(e);
	return code === '53100' || code === 'ENOSPC' || /no space left on device/i.test(message);
}

// SQLSTATE classes and codes that describe the database's state, not the statement: 08
// connection exception, 53 insufficient resources (disk full, out of memory, too many
// connections), 57P01–57P03 shutting down or starting up, 40001/40P01 serialization failure
// and deadlock (the same transaction may succeed when tried again).
const RETRYABLE_SQLSTATE = /^(08...|53...|57P0[1-3]|40001|40P01)$/;
const RETRYABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOSPC', 'EHOSTUNREACH']);

/** A failure that says nothing against the update itself: try it again later. */
export function isRetryableLedgerError(e: unknown): boolean {
	if (e instanceof LedgerUnavailableError || e instanceof LedgerFullError || isDiskFull(e)) return true;
	const code = (e as { code?: unknown } | null)?.code;
	if (typeof code === 'string' && (RETRYABLE_SQLSTATE.test(code) || RETRYABLE_NODE.has(code))) return true;
	// node-postgres reports a connection lost mid-query by message only.
	const message = e instanceof Error ? e.message : '';
	return /Connection terminated|connection is closed|Client has encountered a connection error/i.test(message);
}
