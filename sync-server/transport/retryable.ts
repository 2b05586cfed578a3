import { MSG_REFUSED, type AppMessage } from '#shared/protocol/messages';
import type { RetryableRefusalCode } from '#shared/protocol/refusals';
import type { DiskGuard } from '../ledger/disk-guard';
import { isDiskFull, isRetryableLedgerError } from '../ledger/errors';

const EMPTY_STATE_VECTOR = Uint8Array.of(0);

/** A refusal that names no event and says nothing against the update: offer the batch again later. */
export const retryableRefusal = (doc: string, code: RetryableRefusalCode, message: string): AppMessage => ({
	type: MSG_REFUSED,
	doc,
	code,
	message,
	eventIds: [],
	stateVector: EMPTY_STATE_VECTOR
});

/**
 * Refusal before anything is asked of the ledger: its disk is below the threshold. Answered on
 * the open connection, so the device backs off instead of reconnecting in a loop.
 */
export function refusalWhileFull(disk: DiskGuard | undefined, doc: string): AppMessage | null {
	const reason = disk?.refusal();
	return reason ? retryableRefusal(doc, 'LEDGER_FULL', reason) : null;
}

/**
 * A failure that will pass (disk full, a database restarting, a stuck ledger being reopened),
 * answered as a retryable refusal naming no event; null for anything else, which still closes
 * the connection as a server error.
 */
export function refusalForFailure(e: unknown, doc: string, disk: DiskGuard | undefined): AppMessage | null {
	if (!isRetryableLedgerError(e)) return null;
	disk?.noteFailure(e);
	return isDiskFull(e)
		? retryableRefusal(doc, 'LEDGER_FULL', 'the ledger disk is full')
		: retryableRefusal(doc, 'LEDGER_UNAVAILABLE', 'the ledger cannot store this now');
}

/** Ignores a failure that will pass (of a write nothing depends on), noting it; rethrows others. */
export function unlessRetryable(disk: DiskGuard | undefined): (e: unknown) => void {
	return (e) => {
		if (!isRetryableLedgerError(e)) throw e;
		disk?.noteFailure(e);
	};
}
