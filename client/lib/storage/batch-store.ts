import * as Y from 'yjs';
import { BATCH_EVENTS, parseBatchId, type DoseEvent, type VaccineCatalog } from '#shared/index';
import type { DeviceSyncStore, LiveUpdate } from '#shared/sync/device-sync';
import { coveredBy, hasContent } from '#shared/sync/yjs-state';
import { rebaseBatch } from '#shared/sync/rebase';
import type { EventRow, EventView, StationDb } from './db';
import type { SealedBox, Vault } from './vault';
import type { LotEntry } from '#shared/protocol/messages';
import { toB64 } from '#shared/protocol/bytes';
import type { ServerKeyPins } from '#shared/protocol/server-keys';
import { saveServerPins } from './identity';

/** The vaccine catalogue as the device keeps it, with the server's version number. */
export interface StoredCatalog {
	version: number;
	catalog: VaccineCatalog;
}

/**
 * Batch documents on the device: appending events, and the sync engine's view of them. An
 * event is saved in one IndexedDB transaction together with the Yjs update that carries it,
 * so after a crash either both exist or neither does.
 */
export class BatchStore implements DeviceSyncStore {
	private readonly docs = new Map<string, Promise<Y.Doc>>();
	private readonly queues = new Map<string, Promise<unknown>>();

	/**
	 * Runs fn alone for this batch: an append must not land in a document that a rebase is
	 * replacing, and two rebases must not start from the same document.
	 */
	private exclusive<T>(batchId: string, fn: () => Promise<T>): Promise<T> {
		const run = (this.queues.get(batchId) ?? Promise.resolve()).then(fn, fn);
		const settled = run.catch(() => undefined);
		this.queues.set(batchId, settled);
		void settled.then(() => {
			if (this.queues.get(batchId) === settled) this.queues.delete(batchId);
		});
		return run;
	}

	/**
	 * onChange is told after each change: with the event views added or replaced (a save, a
	 * state change), so the station updates its records without re-reading the day; without
	 * them when only something else changed (a receipt stored, the venue view).
	 */
	constructor(
		private readonly db: StationDb,
		private readonly vault: Vault,
		private readonly onChange: (changed?: readonly EventView[]) => void = () => undefined
	) {}

	/**
	 * The live document, for the sync engine. It waits for an append in flight: the append
	 * pushes its event into the document before the IndexedDB transaction commits, and a diff
	 * taken in between would send the server an event that a crash or a full disk then loses
	 * on the device (the server would hold a dose the station says was not saved).
	 */
	batchDoc(batchId: string): Promise<Y.Doc> {
		return this.exclusive(batchId, () => this.liveDoc(batchId));
	}

	private liveDoc(batchId: string): Promise<Y.Doc> {
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
		const updates = await Promise.all(rows.map((r) => this.vault.open(r.sealed)));
		if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates), 'storage');
		return doc;
	}

	/** The batch's stored updates in saving order, for the upload (DeviceSyncStore.storedUpdates). */
	storedUpdates(batchId: string): Promise<Uint8Array[]> {
		return this.exclusive(batchId, async () => {
			const rows = await this.db.updates.where('batchId').equals(batchId).sortBy('seq');
			return Promise.all(rows.map((r) => this.vault.open(r.sealed)));
		});
	}

	/**
	 * Content the server sends back (a device restored from an older copy), stored before it
	 * resolves (DeviceSyncStore.keepServerContent). Sealed before it reaches the document, as an
	 * append is: if the write fails the document is dropped and reloaded from disk, so memory
	 * never holds what storage lost, and the rejection reaches the sync engine's onError.
	 */
	keepServerContent(batchId: string, update: Uint8Array): Promise<void> {
		return this.exclusive(batchId, async () => {
			const doc = await this.liveDoc(batchId);
			const before = Y.encodeStateVector(doc);
			Y.applyUpdate(doc, update, 'server');
			// Only what was new to the document is stored (a repeated offer stores nothing).
			const added = Y.encodeStateAsUpdate(doc, before);
			if (!hasContent(added)) return;
			try {
				const sealed = await this.vault.seal(added);
				await this.db.updates.add({ batchId, sealed });
			} catch (e) {
				this.docs.delete(batchId);
				doc.destroy();
				throw e;
			}
		});
	}

	/**
	 * Appends an event to its batch and the outbox. Resolves once it is on disk, with the exact
	 * Yjs update that carries it (the sync engine sends that as the live Update).
	 */
	append(event: DoseEvent): Promise<{ view: EventView; live: LiveUpdate }> {
		return this.exclusive(event.batch, () => this.appendNow(event));
	}

	private async appendNow(event: DoseEvent): Promise<{ view: EventView; live: LiveUpdate }> {
		const doc = await this.liveDoc(event.batch);
		const client = doc.clientID;
		const clock = Y.getState(doc.store, client);
		const before = Y.encodeStateVector(doc);
		doc.getArray(BATCH_EVENTS).push([event]);
		const update = Y.encodeStateAsUpdate(doc, before);
		const savedAt = new Date().toISOString();
		try {
			// Sealed before the transaction: IndexedDB transactions end at the first await
			// that is not an IndexedDB request.
			const [sealedUpdate, sealedEvent] = await Promise.all([this.vault.seal(update), this.vault.sealJson(event)]);
			const row: EventRow = {
				id: event.id,
				batchId: event.batch,
				client,
				clock,
				state: 'local',
				sealed: sealedEvent,
				savedAt
			};
			await this.db.transaction('rw', this.db.updates, this.db.events, async () => {
				await this.db.updates.add({ batchId: event.batch, sealed: sealedUpdate });
				await this.db.events.add(row);
			});
		} catch (e) {
			// The document in memory now holds an event that is not on disk: drop it and
			// reload from storage so memory never runs ahead of what was saved.
			this.docs.delete(event.batch);
			doc.destroy();
			throw e;
		}
		const view: EventView = { id: event.id, batchId: event.batch, client, clock, state: 'local', event, savedAt };
		// The list in memory gains the row the transaction just stored: no re-read of the day.
		if (this.views) void this.views.then((views) => views.set(view.id, view));
		this.onChange([view]);
		return {
			view,
			live: { update, stateBefore: before, stateAfter: Y.encodeStateVector(doc) }
		};
	}

	/** The lot master entries of this site, sealed (a lot number is not left readable). */
	async saveLots(lots: LotEntry[]): Promise<void> {
		await this.db.meta.put({ key: 'lots', value: await this.vault.sealJson(lots) });
		this.onLots?.(lots);
	}

	async loadLots(): Promise<LotEntry[]> {
		const row = await this.db.meta.get('lots');
		return row ? this.vault.openJson<LotEntry[]>(row.value as SealedBox) : [];
	}

	/** The server keys the sync engine trusts from now on, sealed into the stored identity. */
	async saveServerKeys(pins: ServerKeyPins): Promise<void> {
		await saveServerPins(this.db, this.vault, pins);
	}

	/** Told when new lots arrive. */
	onLots: ((lots: LotEntry[]) => void) | null = null;

	/**
	 * The vaccine catalogue from the server (checked and newer than the one held: see
	 * DeviceSync), sealed like the lots. A key of the meta table: no schema change, and a device
	 * without one keeps using the built-in catalogue until its next connection.
	 */
	async saveCatalog(entry: StoredCatalog): Promise<void> {
		await this.db.meta.put({ key: 'catalog', value: await this.vault.sealJson(entry) });
		this.onCatalog?.(entry);
	}

	async loadCatalog(): Promise<StoredCatalog | null> {
		const row = await this.db.meta.get('catalog');
		return row ? this.vault.openJson<StoredCatalog>(row.value as SealedBox) : null;
	}

	async catalogVersion(): Promise<number> {
		return (await this.loadCatalog())?.version ?? 0;
	}

	/** Told when a newer catalogue arrives. */
	onCatalog: ((entry: StoredCatalog) => void) | null = null;

	/** Another table's batch of this site and day, received read-only (the venue view). */
	async venueUpdate(batchId: string, update: Uint8Array): Promise<void> {
		await this.db.venue.add({ batchId, sealed: await this.vault.seal(update) });
		// Applied to the documents in memory, if read: the view is not re-read and re-decrypted.
		if (this.venueDocs) {
			const docs = await this.venueDocs;
			const doc = docs.get(batchId) ?? new Y.Doc();
			docs.set(batchId, doc);
			Y.applyUpdate(doc, update);
		}
		this.venueCache = null;
		this.onChange();
	}

	private venueDocs: Promise<Map<string, Y.Doc>> | null = null;
	private venueCache: DoseEvent[] | null = null;

	private async loadVenueDocs(): Promise<Map<string, Y.Doc>> {
		const byBatch = new Map<string, Uint8Array[]>();
		for (const row of await this.db.venue.toArray()) {
			const list = byBatch.get(row.batchId) ?? [];
			list.push(await this.vault.open(row.sealed));
			byBatch.set(row.batchId, list);
		}
		const docs = new Map<string, Y.Doc>();
		for (const [batchId, updates] of byBatch) {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, Y.mergeUpdates(updates));
			docs.set(batchId, doc);
		}
		return docs;
	}

	/** Events other tables of this site recorded, as far as this device has heard. */
	async venueEvents(): Promise<DoseEvent[]> {
		if (this.venueCache) return this.venueCache;
		const load = (this.venueDocs ??= this.loadVenueDocs());
		load.catch(() => {
			if (this.venueDocs === load) this.venueDocs = null;
		});
		const events: DoseEvent[] = [];
		for (const doc of (await load).values()) events.push(...doc.getArray<DoseEvent>(BATCH_EVENTS).toArray());
		this.venueCache = events;
		return events;
	}

	/**
	 * Removes the batches of service days before `today` whose every event the server has
	 * receipted (refused ones count as settled: the back office has them on record), with their
	 * updates, receipts and the venue view of those days. A batch with anything unreceipted
	 * stays, whatever its age.
	 */
	async purgeSettledBefore(today: string): Promise<number> {
		const old = (id: string) => (parseBatchId(id)?.serviceDay ?? today) < today;
		const rows = await this.db.events.toArray();
		const unsettled = new Set(rows.filter((r) => r.state === 'local' || r.state === 'sent').map((r) => r.batchId));
		const purge = [...new Set(rows.map((r) => r.batchId))].filter((id) => old(id) && !unsettled.has(id));
		const venueOld = [...new Set((await this.db.venue.toArray()).map((r) => r.batchId))].filter(old);
		if (purge.length === 0 && venueOld.length === 0) return 0;
		await this.db.transaction('rw', [this.db.events, this.db.updates, this.db.receipts, this.db.venue], async () => {
			await this.db.events.where('batchId').anyOf(purge).delete();
			await this.db.updates.where('batchId').anyOf(purge).delete();
			await this.db.receipts.where('batchId').anyOf(purge).delete();
			await this.db.venue.where('batchId').anyOf(venueOld).delete();
		});
		this.venueDocs = null;
		for (const id of purge) this.docs.delete(id);
		const purged = new Set(purge);
		await this.changeViews((views) => {
			for (const v of [...views.values()]) if (purged.has(v.batchId)) views.delete(v.id);
		});
		this.venueCache = null;
		return purge.length;
	}

	/**
	 * Every event with its current state, oldest first (insertion order), kept in memory once
	 * read: appends add their row, state changes replace theirs, a purge removes them, so a save
	 * never re-reads and re-decrypts the day from IndexedDB. Each view is replaced, never
	 * changed in place, so a list handed out earlier stays as it was.
	 */
	private views: Promise<Map<string, EventView>> | null = null;

	private loadViews(): Promise<Map<string, EventView>> {
		const load = (async () => {
			const rows = await this.db.events.orderBy('savedAt').toArray();
			const views = await Promise.all(
				rows.map(async ({ sealed, ...rest }) => ({ ...rest, event: await this.vault.openJson<DoseEvent>(sealed) }))
			);
			return new Map(views.map((v) => [v.id, v]));
		})();
		load.catch(() => {
			if (this.views === load) this.views = null;
		});
		return load;
	}

	/** Every event with its current state, newest first. */
	async listEvents(): Promise<EventView[]> {
		const views = await (this.views ??= this.loadViews());
		return [...views.values()].reverse();
	}

	/**
	 * Applies a change already stored to the views in memory (if read). Returns the views it
	 * added or replaced, for onChange; undefined if none were read (the station then has none).
	 */
	private async changeViews(
		change: (views: Map<string, EventView>, put: (v: EventView) => void) => void
	): Promise<EventView[] | undefined> {
		if (!this.views) return undefined;
		const views = await this.views;
		const changed: EventView[] = [];
		change(views, (v) => {
			views.set(v.id, v);
			changed.push(v);
		});
		return changed;
	}

	/** Events the server has not receipted yet, for the report the back office sees. */
	unreceiptedCount(): Promise<number> {
		return this.db.events.where('state').anyOf('local', 'sent').count();
	}

	async pendingBatchIds(): Promise<string[]> {
		const rows = await this.db.events.where('state').anyOf('local', 'sent').toArray();
		return [...new Set(rows.map((r) => r.batchId))];
	}

	private async advance(
		batchId: string,
		from: EventRow['state'][],
		to: EventRow['state'],
		stateVector: Uint8Array
	): Promise<void> {
		const covered = coveredBy(stateVector);
		const changed = await this.db.events
			.where('batchId')
			.equals(batchId)
			.filter((r) => from.includes(r.state) && covered(r.client, r.clock))
			.modify({ state: to });
		if (changed === 0) return;
		const views = await this.changeViews((views, put) => {
			for (const v of views.values())
				if (v.batchId === batchId && from.includes(v.state) && covered(v.client, v.clock)) put({ ...v, state: to });
		});
		this.onChange(views);
	}

	markSent(batchId: string, stateVector: Uint8Array): Promise<void> {
		return this.advance(batchId, ['local'], 'sent', stateVector);
	}

	async saveReceipt(r: {
		batchId: string;
		stateVector: Uint8Array;
		eventCount: number;
		signature: Uint8Array;
	}): Promise<void> {
		const sealed = await this.vault.sealJson({
			stateVector: toB64(r.stateVector),
			eventCount: r.eventCount,
			signature: toB64(r.signature)
		});
		await this.db.receipts.put({ batchId: r.batchId, sealed, receivedAt: new Date().toISOString() });
		await this.advance(r.batchId, ['local', 'sent'], 'receipted', r.stateVector);
		this.onChange();
	}

	markRefused(r: {
		batchId: string;
		code: string;
		message: string;
		eventIds: string[];
		stateVector: Uint8Array;
	}): Promise<void> {
		if (r.eventIds.length === 0) return Promise.resolve();
		return this.exclusive(r.batchId, () => this.rebase(r));
	}

	private async rebase(r: {
		batchId: string;
		code: string;
		message: string;
		eventIds: string[];
		stateVector: Uint8Array;
	}): Promise<void> {
		const old = await this.liveDoc(r.batchId);
		const { doc, moved } = rebaseBatch(old, r.stateVector, new Set(r.eventIds));
		const sealed = await this.vault.seal(Y.encodeStateAsUpdate(doc));
		// The rebased document replaces the stored one in the same transaction that records
		// the refusal: after a crash the device has either the old log or the new one.
		await this.db.transaction('rw', this.db.updates, this.db.events, async () => {
			await this.db.updates.where('batchId').equals(r.batchId).delete();
			await this.db.updates.add({ batchId: r.batchId, sealed });
			await this.db.events
				.where('id')
				.anyOf(r.eventIds)
				.modify({ state: 'refused', refusal: { code: r.code, message: r.message } });
			for (const m of moved) await this.db.events.update(m.id, { client: m.client, clock: m.clock, state: 'local' });
		});
		this.docs.set(r.batchId, Promise.resolve(doc));
		old.destroy();
		const views = await this.changeViews((views, put) => {
			for (const id of r.eventIds) {
				const v = views.get(id);
				if (v) put({ ...v, state: 'refused', refusal: { code: r.code, message: r.message } });
			}
			for (const m of moved) {
				const v = views.get(m.id);
				if (v) put({ ...v, client: m.client, clock: m.clock, state: 'local' });
			}
		});
		this.onChange(views);
	}
}
