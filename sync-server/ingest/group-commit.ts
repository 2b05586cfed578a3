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
}

interface Waiting {
	update: UpdateToCommit;
	chain: Chain | null;
	resolve: (outcome: CommitOutcome) => void;
	reject: (error: unknown) => void;
}

/**
 * One writer for the checked updates of every connection: it takes what has arrived (waiting
 * `windowMs` when idle, or until `maxUpdates`), commits it in one transaction with set-based
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
	private running = false;
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
		if (this.running) return; // the running flush starts the next group when it ends
		if (this.waiting.length >= this.opts.maxUpdates) {
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

	private async flush(): Promise<void> {
		if (this.running || this.waiting.length === 0) return;
		this.running = true;
		const group = this.waiting.splice(0, this.opts.maxUpdates);
		try {
			await this.commitGroup(group);
		} finally {
			this.running = false;
			// What gathered meanwhile has waited a transaction already: no window for it.
			if (this.waiting.length > 0) void this.flush();
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
