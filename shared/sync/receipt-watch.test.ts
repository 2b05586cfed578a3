import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReceiptWatch, retryDelay, type StallReason } from './receipt-watch';

function stateVectorOf(clock: number): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = 7;
	for (let i = 0; i < clock; i++) doc.getArray('events').push([i]);
	return Y.encodeStateVector(doc);
}

describe('ReceiptWatch', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	function watch() {
		const events: (string | [StallReason, number | null])[] = [];
		const retried: string[][] = [];
		const w = new ReceiptWatch({
			receiptTimeoutMs: 20_000,
			random: () => 0.5,
			onStalled: (reason, retryInMs) => events.push([reason, retryInMs]),
			onRecovered: () => events.push('recovered'),
			retry: (ids) => retried.push(ids)
		});
		return { w, events, retried };
	}

	it('says the server is not answering when sent updates get no receipt in time, and recovers on a covering receipt', () => {
		const { w, events } = watch();
		w.sent('b1', stateVectorOf(3));
		// The server's answer to the SyncStep1 that led to the send: what it held before.
		w.receipt('b1', stateVectorOf(2));
		vi.advanceTimersByTime(19_999);
		expect(events).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(events).toEqual([['NO_RECEIPT', null]]);
		// A receipt of less than was sent (the answer to a SyncStep1) is not the answer.
		w.receipt('b1', stateVectorOf(2));
		expect(events).toHaveLength(1);
		w.receipt('b1', stateVectorOf(3));
		expect(events).toEqual([['NO_RECEIPT', null], 'recovered']);
	});

	it('counts a receipt of part of a long upload as an answer: silence is measured from the last one', () => {
		const { w, events } = watch();
		w.sent('b1', stateVectorOf(9));
		vi.advanceTimersByTime(15_000);
		w.receipt('b1', stateVectorOf(3));
		vi.advanceTimersByTime(15_000);
		expect(events).toEqual([]);
		vi.advanceTimersByTime(5_000);
		expect(events).toEqual([['NO_RECEIPT', null]]);
		w.receipt('b1', stateVectorOf(6));
		expect(events).toEqual([['NO_RECEIPT', null], 'recovered']);
		w.receipt('b1', stateVectorOf(9));
		expect(events).toHaveLength(2);
	});

	it('backs off on retryable refusals with growing delays and offers the batch again on the same connection', () => {
		const { w, events, retried } = watch();
		w.sent('b1', stateVectorOf(1));
		w.retryable('b1', 'LEDGER_FULL');
		w.retryable('b1', 'LEDGER_FULL'); // one wait covers refusals that come together
		expect(events).toEqual([['LEDGER_FULL', retryDelay(0, () => 0.5)]]);
		vi.advanceTimersByTime(retryDelay(0, () => 0.5));
		expect(retried).toEqual([['b1']]);
		w.retryable('b1', 'LEDGER_FULL');
		expect(events[1]).toEqual(['LEDGER_FULL', retryDelay(1, () => 0.5)]);
		expect(retryDelay(1, () => 0.5)).toBeGreaterThan(retryDelay(0, () => 0.5));
		w.receipt('b1', stateVectorOf(1));
		expect(events.at(-1)).toBe('recovered');
	});

	it('keeps the wait of a retryable refusal when an update sent behind it is refused for its missing base', () => {
		const { w, events, retried } = watch();
		w.sent('b1', stateVectorOf(2));
		w.retryable('b1', 'LEDGER_UNAVAILABLE');
		// The second update, in flight when the first was refused, built on it: the pending
		// retry offers the batch again; it is not offered twice, nor given up.
		expect(w.baseMissing('b1')).toBe(false);
		vi.advanceTimersByTime(retryDelay(0, () => 0.5));
		expect(retried).toEqual([['b1']]);
		w.receipt('b1', stateVectorOf(2));
		expect(events).toEqual([['LEDGER_UNAVAILABLE', retryDelay(0, () => 0.5)], 'recovered']);
	});

	it('offers a batch again once after a missing-base refusal, and again only after a receipt', () => {
		const { w, events } = watch();
		w.sent('b1', stateVectorOf(3));
		expect(w.baseMissing('b1')).toBe(true);
		// Refusals of the updates sent behind it: the one offer carries them all.
		expect(w.baseMissing('b1')).toBe(false);
		w.receipt('b1', stateVectorOf(3));
		w.sent('b1', stateVectorOf(5));
		expect(w.baseMissing('b1')).toBe(true);
		// Never receipted: the station says the server is not answering rather than loop.
		expect(w.baseMissing('b1')).toBe(false);
		vi.advanceTimersByTime(20_000);
		expect(events).toEqual([['NO_RECEIPT', null]]);
	});

	it('never retries at once and caps the wait at a minute', () => {
		expect(retryDelay(0, () => 0)).toBe(500);
		expect(retryDelay(30, () => 0.999)).toBeLessThanOrEqual(60_000);
		expect(retryDelay(30, () => 0)).toBe(30_000);
	});
});
