import type { CommitOutcome, Ledger, UpdateToCommit } from '../ledger/ledger';

/** Updates that must commit in order, each only if all before it did (see BatchDocs' CommitChain). */
export interface Chain {
	failed: { error: unknown } | null;
}

export interface GroupCommitOptions {
	/** How long the first update of a group waits for others when the writer is idle (ms). */
	windowMs: number;
	/** Most updates in one transaction; a full group is committed at once. */
	maxUpdates: number;
	/**
	 * Transactions in flight at once (default 1). Groups running together never share a batch,
	 * so each batch's updates still commit in order, one group after the other. PostgreSQL runs
	 * each transaction on one core: a second writer keeps another core busy while the first
	 * commits. PGlite runs one statement at a time, so it gains nothing there.
	 */
	writers?: number;
}

interface Waiting {
	update: UpdateToCommit;
	chain: Chain | null;
	resolve: (outcome: CommitOutcome) => void;
	reject: (error: unknown) => void;
}

/**
 * The writer for the checked updates of every connection (or two, `writers`): it takes what has
 * arrived (waiting `windowMs` when idle, or until `maxUpdates`), commits it in one transaction with set-based
 * SQL (Ledger.commitUpdates), and only then tells each caller, which applies and receipts.
 * While a transaction runs the next group gathers, so under load groups grow by themselves
 * and an idle server adds at most `windowMs` to a dose.
 *
 * A failed group is committed again one update at a time, so one update the database refuses
 * fails only its own connection (and the updates queued behind it on its chain); a database
 * that is down fails each of them. An update whose chain failed before it is never committed:
 * it was checked against a document that held what did not commit.
 */
export class GroupCommit {
	private waiting: Waiting[] = [];
	/** Transactions in flight, and the batches they hold (no other group may take those). */
	private running = 0;
	private readonly busyBatches = new Set<string>();
	private timer: ReturnType<typeof setTimeout> | null = null;
	/** Batch rows known to exist (they are never deleted): their insert is skipped. */
	private readonly knownBatches = new Set<string>();

	constructor(
		private readonly ledger: Ledger,
		private readonly opts: GroupCommitOptions = { windowMs: 2, maxUpdates: 256 }
	) {}

	commit(update: UpdateToCommit, chain: Chain | null = null): Promise<CommitOutcome> {
		return new Promise((resolve, reject) => {
			this.waiting.push({ update, chain, resolve, reject });
			this.schedule();
		});
	}

	private schedule(): void {
		// A running flush starts the next group when it ends; a free writer waits for the window.
		if (this.running >= (this.opts.writers ?? 1)) return;
		if (this.running === 0 && this.waiting.length >= this.opts.maxUpdates) {
			if (this.timer) clearTimeout(this.timer);
			this.timer = null;
			void this.flush();
		} else if (!this.timer) {
			this.timer = setTimeout(() => {
				this.timer = null;
				void this.flush();
			}, this.opts.windowMs);
		}
	}

	/** Takes the next group: waiting updates of batches no running group holds, in order. */
	private takeGroup(): Waiting[] {
		const group: Waiting[] = [];
		const rest: Waiting[] = [];
		for (const w of this.waiting) {
			if (group.length < this.opts.maxUpdates && !this.busyBatches.has(w.update.batchId)) group.push(w);
			else rest.push(w);
		}
		this.waiting = rest;
		return group;
	}

	private async flush(): Promise<void> {
		if (this.running >= (this.opts.writers ?? 1) || this.waiting.length === 0) return;
		const group = this.takeGroup();
		if (group.length === 0) return; // every waiting update's batch is in a running group
		this.running++;
		const batches = new Set(group.map((w) => w.update.batchId));
		for (const b of batches) this.busyBatches.add(b);
		try {
			await this.commitGroup(group);
		} finally {
			this.running--;
			for (const b of batches) this.busyBatches.delete(b);
			// What gathered meanwhile has waited a transaction already: no window for it.
			if (this.waiting.length > 0) void this.flush();
			this.schedule();
		}
	}

	private async commitGroup(all: Waiting[]): Promise<void> {
		const group = all.filter((w) => {
			if (!w.chain?.failed) return true;
			w.reject(w.chain.failed.error);
			return false;
		});
		if (group.length === 0) return;
		let outcomes: CommitOutcome[];
		try {
			outcomes = await this.ledger.commitUpdates(
				group.map((w) => w.update),
				this.knownBatches
			);
		} catch (error) {
			if (group.length === 1) {
				// Before anything else runs: the next group must see it.
				const w = group[0]!;
				if (w.chain) w.chain.failed ??= { error };
				return w.reject(error);
			}
			for (const w of group) await this.commitGroup([w]);
			return;
		}
		for (const [i, w] of group.entries()) {
			const outcome = outcomes[i]!;
			if ('seq' in outcome || 'duplicate' in outcome) {
				// Bounded: forgetting only costs an insert that finds the row there.
				if (this.knownBatches.size >= 100_000) this.knownBatches.clear();
				this.knownBatches.add(w.update.batchId);
			}
			w.resolve(outcome);
		}
	}
}
