type Settled<T> = { value: T } | { error: unknown };

interface Entry<T> {
	settled: Settled<T> | null;
	result: Promise<Settled<T>>;
}

export interface AnswerQueueOptions<T> {
	/** Sends one answer (a receipt is signed here, so one left out is never signed). */
	answer(value: T): Promise<void>;
	/**
	 * Whether `later`, the answer right behind `earlier`, says all that `earlier` says: a receipt
	 * of the same batch whose state vector covers the earlier one's.
	 */
	coveredBy(earlier: T, later: T): boolean;
	/** An answer failed (its work threw, or sending it did): the queue goes on with the next. */
	onFailure(error: unknown): void;
	/** The connection is closed: nothing more is sent. */
	closed(): boolean;
}

/**
 * The answers to one connection's signed updates, sent in the order the updates came, each once
 * its commit has settled. An answer whose successor has already settled and covers it is left
 * out: when a device's updates of one batch commit in the same group, the device gets one
 * receipt for them, not one each (a receipt says "everything up to this state vector is
 * committed", PROTOCOL.md §9.3). A live dose, alone in flight, still gets its own receipt.
 */
export class AnswerQueue<T> {
	private readonly entries: Entry<T>[] = [];
	private tail: Promise<void> = Promise.resolve();

	constructor(private readonly opts: AnswerQueueOptions<T>) {}

	/** Answers waiting (queued, not yet sent or left out). */
	get length(): number {
		return this.entries.length;
	}

	/** Queues the answer `result` will settle to, behind every answer queued before it. */
	push(result: Promise<T>): void {
		const entry: Entry<T> = { settled: null, result: Promise.resolve({ error: null }) };
		entry.result = result.then(
			(value) => (entry.settled = { value }),
			(error: unknown) => (entry.settled = { error })
		);
		this.entries.push(entry);
		this.tail = this.tail.then(() => this.next()).catch((error: unknown) => this.opts.onFailure(error));
	}

	/** Settles once every answer queued so far is sent or left out. */
	drained(): Promise<void> {
		return this.tail;
	}

	private async next(): Promise<void> {
		const settled = await this.entries[0]!.result;
		this.entries.shift();
		if (this.opts.closed()) return;
		if ('error' in settled) throw settled.error;
		const behind = this.entries[0]?.settled;
		if (behind && 'value' in behind && this.opts.coveredBy(settled.value, behind.value)) return;
		await this.opts.answer(settled.value);
	}
}
