import * as Y from 'yjs';
import { BATCH_EVENTS } from '#shared/index';
import type { Ledger } from '../ledger/ledger';
import { integrate } from './check-update';

export interface BatchEntry {
	doc: Y.Doc;
	eventIds: Set<string>;
}

/**
 * The server's copy of each batch document, rebuilt from the stored updates on first use and
 * kept while in use. Work on one batch is serialised: an update is checked against, committed
 * for and applied to exactly the state the previous one left.
 */
export class BatchDocs {
	private readonly entries = new Map<string, Promise<BatchEntry>>();
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
	}

	private load(batchId: string): Promise<BatchEntry> {
		let entry = this.entries.get(batchId);
		if (entry) {
			// Refresh recency for the eviction order below.
			this.entries.delete(batchId);
			this.entries.set(batchId, entry);
			return entry;
		}
		entry = this.rebuild(batchId);
		entry.catch(() => this.entries.delete(batchId));
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
		return { doc, eventIds };
	}

	private evict(): void {
		for (const [id, entry] of this.entries) {
			if (this.entries.size <= this.maxCached) return;
			if (this.queues.has(id)) continue;
			this.entries.delete(id);
			void entry.then((e) => e.doc.destroy());
		}
	}
}
