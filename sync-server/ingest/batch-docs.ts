import * as Y from 'yjs';
import { BATCH_EVENTS } from '#shared/index';
import type { Ledger } from '../ledger/ledger';
import { integrate } from './check-update';

/**
 * The commits of one cached copy that are queued or running, in order. Each was checked against
 * the document as the previous ones left it, so once one fails none after it may commit: the
 * group commit reads `failed` before it commits any update of the chain (group-commit.ts).
 */
export interface CommitChain {
	/** Set, synchronously, by the group commit when an update of this chain fails to commit. */
	failed: { error: unknown } | null;
	/** Settles when the last commit queued so far has settled (never rejects). */
	tail: Promise<void>;
	/** Commits queued and not yet settled. */
	inFlight: number;
}

export interface BatchEntry {
	doc: Y.Doc;
	/** Ids of the events in `doc`, committed or queued for commit on `chain`. */
	eventIds: Set<string>;
	chain: CommitChain;
}

/**
 * The server's copy of each batch document, rebuilt from the stored updates on first use and
 * kept while in use. Work on one batch is serialised: an update is checked against, committed
 * for and applied to exactly the state the previous one left.
 */
export class BatchDocs {
	private readonly entries = new Map<string, Promise<BatchEntry>>();
	/** The loaded entry behind each cached promise: to drop only the copy a failure concerns. */
	private readonly loaded = new Map<string, BatchEntry>();
	private readonly queues = new Map<string, Promise<unknown>>();

	constructor(
		private readonly ledger: Ledger,
		private readonly maxCached = 2000
	) {}

	/** Runs fn with exclusive access to the batch's document. */
	withBatch<T>(batchId: string, fn: (entry: BatchEntry) => Promise<T>): Promise<T> {
		const previous = this.queues.get(batchId) ?? Promise.resolve();
		const run = previous.then(async () => fn(await this.load(batchId)));
		const settled = run.catch(() => undefined);
		this.queues.set(batchId, settled);
		void settled.then(() => {
			if (this.queues.get(batchId) === settled) this.queues.delete(batchId);
		});
		return run;
	}

	/**
	 * Runs fn with exclusive access to the batch's document once everything queued for commit on
	 * it has settled, so what fn reads of it (a receipt, a snapshot) is committed: the document
	 * otherwise holds updates checked and still committing (pipelining, see Ingest.submit). A
	 * failed commit drops the copy, and fn gets the one rebuilt from the ledger.
	 */
	withSettledBatch<T>(batchId: string, fn: (entry: BatchEntry) => Promise<T>): Promise<T> {
		return this.withBatch(batchId, async (first) => {
			let entry = first;
			// Nothing new is queued on the batch meanwhile: this section holds it.
			while (entry.chain.inFlight > 0) {
				await entry.chain.tail;
				entry = await this.load(batchId);
			}
			return fn(entry);
		});
	}

	/**
	 * Applies an update another process committed to the cached copy, if there is one, so this
	 * process's venue snapshots and checks follow the shared ledger. An uncached batch is
	 * rebuilt from the ledger when next used. Reads only what the update added (integrate visits
	 * the new structs), never the batch's whole array: a busy batch gets one of these per dose
	 * recorded on another process. An update that arrives before one it depends on adds nothing
	 * yet (Yjs holds it pending); the events of both count when the missing one is absorbed.
	 */
	absorb(batchId: string, update: Uint8Array): Promise<void> {
		if (!this.entries.has(batchId)) return Promise.resolve();
		return this.withBatch(batchId, async ({ doc, eventIds }) => {
			const integrated = integrate(doc, update);
			if (!integrated.ok) return;
			for (const ev of integrated.values as { id: string }[]) eventIds.add(ev.id);
		});
	}

	/**
	 * Drops the cached document of a batch: it may hold content the ledger does not (an update
	 * refused, or whose commit failed, after it was integrated; a commit whose outcome is unknown
	 * because the ledger stopped answering mid-commit). The next use rebuilds it from the stored
	 * updates. Not destroyed: work queued on the batch may still hold this copy; it is only
	 * uncached.
	 */
	discard(batchId: string): void {
		this.entries.delete(batchId);
		this.loaded.delete(batchId);
	}

	/** Like discard, but only if `entry` is still the cached copy (a later one may be loaded already). */
	discardEntry(batchId: string, entry: BatchEntry): void {
		if (this.loaded.get(batchId) === entry) this.discard(batchId);
	}

	private load(batchId: string): Promise<BatchEntry> {
		let entry = this.entries.get(batchId);
		if (entry) {
			// Refresh recency for the eviction order below.
			this.entries.delete(batchId);
			this.entries.set(batchId, entry);
			return entry;
		}
		const built = this.rebuild(batchId);
		entry = built;
		built.then(
			(e) => {
				if (this.entries.get(batchId) === built) this.loaded.set(batchId, e);
			},
			() => {
				if (this.entries.get(batchId) === built) this.entries.delete(batchId);
			}
		);
		this.entries.set(batchId, entry);
		this.evict();
		return entry;
	}

	private async rebuild(batchId: string): Promise<BatchEntry> {
		const doc = new Y.Doc({ gc: false });
		const updates = await this.ledger.batchUpdates(batchId);
		if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates.map((u) => u.update)));
		const eventIds = new Set<string>();
		for (const ev of doc.getArray<{ id: string }>(BATCH_EVENTS).toArray()) eventIds.add(ev.id);
		return { doc, eventIds, chain: { failed: null, tail: Promise.resolve(), inFlight: 0 } };
	}

	private evict(): void {
		for (const [id, entry] of this.entries) {
			if (this.entries.size <= this.maxCached) return;
			// In use, or with commits queued: rebuilt now, the copy would lack what is committing.
			if (this.queues.has(id) || (this.loaded.get(id)?.chain.inFlight ?? 0) > 0) continue;
			this.entries.delete(id);
			this.loaded.delete(id);
			void entry.then((e) => e.doc.destroy());
		}
	}
}
