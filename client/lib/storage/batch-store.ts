import * as Y from 'yjs';
import { BATCH_EVENTS, type DoseEvent } from '$shared/index';
import { stateVectorCovers, type DeviceSyncStore } from '$shared/sync/device-sync';
import { rebaseBatch } from '$shared/sync/rebase';
import type { EventRow, StationDb } from './db';

/**
 * Batch documents on the device: appending events, and the sync engine's view of them. An
 * event is saved in one IndexedDB transaction together with the Yjs update that carries it,
 * so after a crash either both exist or neither does.
 */
export class BatchStore implements DeviceSyncStore {
	private readonly docs = new Map<string, Promise<Y.Doc>>();

	constructor(
		private readonly db: StationDb,
		private readonly onChange: () => void = () => undefined
	) {}

	batchDoc(batchId: string): Promise<Y.Doc> {
		let doc = this.docs.get(batchId);
		if (!doc) {
			doc = this.loadDoc(batchId);
			this.docs.set(batchId, doc);
		}
		return doc;
	}

	private async loadDoc(batchId: string): Promise<Y.Doc> {
		// gc off: the log never deletes, and a rebase (rebase.ts) reads old states.
		const doc = new Y.Doc({ gc: false });
		const rows = await this.db.updates.where('batchId').equals(batchId).sortBy('seq');
		if (rows.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(rows.map((r) => r.update)), 'storage');
		return this.persistServerContent(batchId, doc);
	}

	/** Content the server sends back (a device restored from an older copy) is kept too. */
	private persistServerContent(batchId: string, doc: Y.Doc): Y.Doc {
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === 'server') void this.db.updates.add({ batchId, update });
		});
		return doc;
	}

	/** Appends an event to its batch and the outbox. Resolves once it is on disk. */
	async append(event: DoseEvent): Promise<EventRow> {
		const doc = await this.batchDoc(event.batch);
		const client = doc.clientID;
		const clock = Y.getState(doc.store, client);
		const before = Y.encodeStateVector(doc);
		doc.getArray(BATCH_EVENTS).push([event]);
		const update = Y.encodeStateAsUpdate(doc, before);
		const row: EventRow = { id: event.id, batchId: event.batch, client, clock, state: 'local', event, savedAt: new Date().toISOString() };
		try {
			await this.db.transaction('rw', this.db.updates, this.db.events, async () => {
				await this.db.updates.add({ batchId: event.batch, update });
				await this.db.events.add(row);
			});
		} catch (e) {
			// The document in memory now holds an event that is not on disk: drop it and
			// reload from storage so memory never runs ahead of what was saved.
			this.docs.delete(event.batch);
			doc.destroy();
			throw e;
		}
		this.onChange();
		return row;
	}

	async listEvents(): Promise<EventRow[]> {
		return this.db.events.orderBy('savedAt').reverse().toArray();
	}

	async pendingBatchIds(): Promise<string[]> {
		const rows = await this.db.events.where('state').anyOf('local', 'sent').toArray();
		return [...new Set(rows.map((r) => r.batchId))];
	}

	private async advance(batchId: string, from: EventRow['state'][], to: EventRow['state'], stateVector: Uint8Array): Promise<void> {
		const changed = await this.db.events
			.where('batchId')
			.equals(batchId)
			.filter((r) => from.includes(r.state) && stateVectorCovers(stateVector, r.client, r.clock))
			.modify({ state: to });
		if (changed > 0) this.onChange();
	}

	markSent(batchId: string, stateVector: Uint8Array): Promise<void> {
		return this.advance(batchId, ['local'], 'sent', stateVector);
	}

	async saveReceipt(r: { batchId: string; stateVector: Uint8Array; eventCount: number; signature: Uint8Array }): Promise<void> {
		await this.db.receipts.put({ ...r, receivedAt: new Date().toISOString() });
		await this.advance(r.batchId, ['local', 'sent'], 'receipted', r.stateVector);
	}

	async markRefused(r: { batchId: string; code: string; message: string; eventIds: string[]; stateVector: Uint8Array }): Promise<void> {
		if (r.eventIds.length === 0) return;
		const old = await this.batchDoc(r.batchId);
		const { doc, moved } = rebaseBatch(old, r.stateVector, new Set(r.eventIds));
		// The rebased document replaces the stored one in the same transaction that records
		// the refusal: after a crash the device has either the old log or the new one.
		await this.db.transaction('rw', this.db.updates, this.db.events, async () => {
			await this.db.updates.where('batchId').equals(r.batchId).delete();
			await this.db.updates.add({ batchId: r.batchId, update: Y.encodeStateAsUpdate(doc) });
			await this.db.events.where('id').anyOf(r.eventIds).modify({ state: 'refused', refusal: { code: r.code, message: r.message } });
			for (const m of moved) await this.db.events.update(m.id, { client: m.client, clock: m.clock, state: 'local' });
		});
		this.docs.set(r.batchId, Promise.resolve(this.persistServerContent(r.batchId, doc)));
		old.destroy();
		this.onChange();
	}
}
