import * as Y from 'yjs';

/** Why the device holds records the server is not receipting while connected. */
export type StallReason = 'LEDGER_FULL' | 'LEDGER_UNAVAILABLE' | 'NO_RECEIPT';

export interface ReceiptWatchOptions {
	/** Connected, updates sent, and no receipt for this long: the server is not answering. */
	receiptTimeoutMs: number;
	random: () => number;
	/** The server is not receipting: a retryable refusal (retry in retryInMs) or silence (null). */
	onStalled: (reason: StallReason, retryInMs: number | null) => void;
	/** Everything sent is receipted again. */
	onRecovered: () => void;
	/** Offer these batches again (after a retryable refusal's delay). */
	retry: (batchIds: string[]) => void;
}

/** Exponential backoff with equal jitter: at least half the ceiling, so a refusal is never retried at once. */
export function retryDelay(attempt: number, random: () => number, baseMs = 1000, capMs = 60_000): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
	return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

/** Every (client, clock) that `sent` covers, `receipt` covers too. */
function covers(receipt: Uint8Array, sent: Uint8Array): boolean {
	const r = Y.decodeStateVector(receipt);
	for (const [client, clock] of Y.decodeStateVector(sent)) if ((r.get(client) ?? 0) < clock) return false;
	return true;
}

/**
 * Watches, on one connection, the updates the device sent and the receipts that answer them. A
 * retryable refusal (the server's ledger full or not answering) is answered by waiting, with
 * growing delays, and offering the batch again on the same connection — not by reconnecting,
 * which a full disk would turn into a loop. Sent updates left without receipt for
 * receiptTimeoutMs make the station say the server is not answering instead of "online".
 */
export class ReceiptWatch {
	/** Batches with updates sent and not yet receipted, and the state vector sent. */
	private readonly waiting = new Map<string, Uint8Array>();
	private stallTimer: ReturnType<typeof setTimeout> | null = null;
	private retryTimer: ReturnType<typeof setTimeout> | null = null;
	private attempt = 0;
	private stalled: StallReason | null = null;
	/** The last receipt of each batch on this connection: a new one that covers more is progress. */
	private readonly lastReceipt = new Map<string, Uint8Array>();
	/** Batches offered again after a missing-base refusal, until their next receipt. */
	private readonly reoffered = new Set<string>();

	constructor(private readonly opts: ReceiptWatchOptions) {}

	/** Updates of a batch up to this state vector were handed to the socket. */
	sent(batchId: string, stateVector: Uint8Array): void {
		this.waiting.set(batchId, stateVector);
		if (!this.stallTimer && !this.stalled) this.armStallTimer();
	}

	private armStallTimer(): void {
		if (this.stallTimer) clearTimeout(this.stallTimer);
		this.stallTimer = setTimeout(() => {
			this.stallTimer = null;
			if (this.waiting.size === 0 || this.stalled) return;
			this.stalled = 'NO_RECEIPT';
			this.opts.onStalled('NO_RECEIPT', null);
		}, this.opts.receiptTimeoutMs);
	}

	/**
	 * A verified receipt: the batch is answered once it covers what was sent. One that covers
	 * less but more than the batch's previous receipt is progress (a long upload is receipted
	 * piece by piece): the server is answering, so the wait for silence starts again. The same
	 * state again (the answer to a SyncStep1 of a server storing nothing) is not.
	 */
	receipt(batchId: string, stateVector: Uint8Array): void {
		this.reoffered.delete(batchId);
		const previous = this.lastReceipt.get(batchId);
		this.lastReceipt.set(batchId, stateVector);
		const sent = this.waiting.get(batchId);
		if (sent && covers(stateVector, sent)) return this.answered(batchId);
		if (previous && covers(previous, stateVector)) return;
		if (this.waiting.size === 0 || (this.stalled !== null && this.stalled !== 'NO_RECEIPT')) return;
		this.armStallTimer();
		if (this.stalled === 'NO_RECEIPT') {
			this.stalled = null;
			this.opts.onRecovered();
		}
	}

	/** A refusal that named events: answered (the events are marked refused). */
	answered(batchId: string): void {
		if (!this.waiting.delete(batchId) || this.waiting.size > 0) return;
		this.clearTimers();
		this.attempt = 0;
		if (this.stalled) {
			this.stalled = null;
			this.opts.onRecovered();
		}
	}

	/**
	 * A refusal naming no event because the update builds on one the server does not hold (an
	 * earlier update of the batch it refused as retryable, or dropped). The events are not at
	 * fault and stay waiting. Says whether to offer the batch again now: not while a retry is
	 * pending (it offers every waiting batch), and once until the batch's next receipt, so a
	 * server that keeps refusing cannot make the device loop (the stall timer then reports it).
	 */
	baseMissing(batchId: string): boolean {
		if (!this.waiting.has(batchId)) this.waiting.set(batchId, Uint8Array.of(0));
		if (this.retryTimer || this.reoffered.has(batchId)) return false;
		this.reoffered.add(batchId);
		return true;
	}

	/** A retryable refusal: wait, then offer every batch still waiting again. */
	retryable(batchId: string, reason: 'LEDGER_FULL' | 'LEDGER_UNAVAILABLE'): void {
		if (!this.waiting.has(batchId)) this.waiting.set(batchId, Uint8Array.of(0));
		if (this.stallTimer) clearTimeout(this.stallTimer);
		this.stallTimer = null;
		// One wait for all the batches refused together (a device offers each at connection).
		if (this.retryTimer) return;
		const delay = retryDelay(this.attempt++, this.opts.random);
		this.stalled = reason;
		this.opts.onStalled(reason, delay);
		this.retryTimer = setTimeout(() => {
			this.retryTimer = null;
			this.opts.retry([...this.waiting.keys()]);
		}, delay);
	}

	/** The connection ended: nothing is waiting on it any more. */
	reset(): void {
		this.clearTimers();
		this.waiting.clear();
		this.lastReceipt.clear();
		this.reoffered.clear();
		this.attempt = 0;
		this.stalled = null;
	}

	private clearTimers(): void {
		if (this.stallTimer) clearTimeout(this.stallTimer);
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.stallTimer = null;
		this.retryTimer = null;
	}
}
