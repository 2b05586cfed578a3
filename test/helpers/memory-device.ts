import * as Y from 'yjs';
import { BATCH_EVENTS, type DoseEvent, type VaccineCatalog } from '#shared/index';
import type { LotEntry } from '#shared/protocol/messages';
import type { ServerKeyPins } from '#shared/protocol/server-keys';
import type { DeviceSyncStore, LiveUpdate } from '#shared/sync/device-sync';
import { coveredBy } from '#shared/sync/yjs-state';
import { rebaseBatch } from '#shared/sync/rebase';
import { enrolOverHttp, SimulatedDevice, type HeldState, type SimulatedIdentity } from './simulated-device';

interface Held {
	event: DoseEvent;
	client: number;
	clock: number;
	state: HeldState;
	/** The server's refusal code and message, as the station keeps them. */
	refusal?: string;
	refusalMessage?: string;
}

/**
 * A device in memory: same shared/ sync engine and protocol as the PWA, with the batch
 * documents and outbox held in maps instead of IndexedDB. For integration tests and load.
 * test/contract/device-store-memory.test.ts runs the device-store contract on it, as
 * device-store-station.test.ts does on the PWA's BatchStore: the two behave the same for
 * everything the sync engine relies on.
 */
export class MemoryDevice extends SimulatedDevice implements DeviceSyncStore {
	readonly docs = new Map<string, Y.Doc>();
	readonly events = new Map<string, Held>();
	readonly receipts: { batchId: string; stateVector: Uint8Array; eventCount: number; signature: Uint8Array }[] = [];

	protected get store(): DeviceSyncStore {
		return this;
	}

	/** A device already enrolled (keys and pinned server keys known), e.g. one a test put in the ledger itself. */
	static withIdentity(identity: SimulatedIdentity, serverUrl: string): MemoryDevice {
		return new MemoryDevice(identity, serverUrl);
	}

	static async enrol(code: string): Promise<MemoryDevice> {
		const { identity, serverUrl } = await enrolOverHttp(code);
		return new MemoryDevice(identity, serverUrl);
	}

	/** Appends a raw value (valid event or not) to a batch's log, as a device would; returns its live update. */
	append(
		value: DoseEvent | Record<string, unknown>,
		batch = (value as { batch?: string }).batch ?? this.batchFor()
	): LiveUpdate {
		const doc = this.docFor(batch);
		const client = doc.clientID;
		const clock = Y.getState(doc.store, client);
		const stateBefore = Y.encodeStateVector(doc);
		doc.getArray(BATCH_EVENTS).push([value]);
		this.events.set(String((value as { id: string }).id), { event: value as DoseEvent, client, clock, state: 'local' });
		// As the station does: the update is kept with the event, and goes live (see DeviceSync.push).
		const update = Y.encodeStateAsUpdate(doc, stateBefore);
		if (Buffer.compare(stateBefore, this.storedState.get(batch) ?? Uint8Array.of(0)) === 0) {
			this.updatesOf(batch).push(update);
			this.storedState.set(batch, Y.encodeStateVector(doc));
		}
		const live = { update, stateBefore, stateAfter: Y.encodeStateVector(doc) };
		void this.sync?.push(batch, live);
		return live;
	}

	/** Each batch's updates as saved: one per append, or the whole log after a rebase. */
	readonly stored = new Map<string, Uint8Array[]>();

	private updatesOf(batch: string): Uint8Array[] {
		let list = this.stored.get(batch);
		if (!list) {
			list = [];
			this.stored.set(batch, list);
		}
		return list;
	}

	/** Each batch's state after its last stored update. */
	private readonly storedState = new Map<string, Uint8Array>();

	/** The stored updates, and whatever reached the document by other ways (a test writing to it, the server's content). */
	async storedUpdates(batch: string): Promise<Uint8Array[]> {
		const doc = this.docFor(batch);
		const state = this.storedState.get(batch) ?? Uint8Array.of(0);
		const list = this.updatesOf(batch);
		if (Buffer.compare(Y.encodeStateVector(doc), state) !== 0) {
			list.push(Y.encodeStateAsUpdate(doc, state));
			this.storedState.set(batch, Y.encodeStateVector(doc));
		}
		return [...list];
	}

	docFor(batch: string): Y.Doc {
		let doc = this.docs.get(batch);
		if (!doc) {
			doc = new Y.Doc({ gc: false });
			this.docs.set(batch, doc);
		}
		return doc;
	}

	/** The venue view: other devices' batches of this site, as received. */
	readonly venue = new Map<string, Y.Doc>();

	async venueUpdate(batchId: string, update: Uint8Array): Promise<void> {
		let doc = this.venue.get(batchId);
		if (!doc) {
			doc = new Y.Doc();
			this.venue.set(batchId, doc);
		}
		Y.applyUpdate(doc, update);
		this.notify();
	}

	venueEvents(): { id: string; ticketNumber?: string }[] {
		return [...this.venue.values()].flatMap((d) =>
			d.getArray<{ id: string; ticketNumber?: string }>(BATCH_EVENTS).toArray()
		);
	}

	/** The lots of this site from the lot master, as last received at a connection. */
	lots: LotEntry[] | null = null;

	/** The vaccine catalogue as last kept from the server (null: the built-in one). */
	catalog: { version: number; catalog: VaccineCatalog } | null = null;

	// DeviceSyncStore
	async saveLots(lots: LotEntry[]): Promise<void> {
		this.lots = lots;
		this.notify();
	}
	async saveCatalog(entry: { version: number; catalog: VaccineCatalog }): Promise<void> {
		this.catalog = entry;
		this.notify();
	}
	/** How many catalogues the server offered (DeviceSync asks the held version for each). */
	catalogOffers = 0;
	async catalogVersion(): Promise<number> {
		this.catalogOffers++;
		this.notify();
		return this.catalog?.version ?? 0;
	}
	async pendingBatchIds(): Promise<string[]> {
		return [
			...new Set(
				[...this.events.values()].filter((e) => e.state === 'local' || e.state === 'sent').map((e) => e.event.batch)
			)
		];
	}
	async unreceiptedCount(): Promise<number> {
		return this.count('local') + this.count('sent');
	}
	async batchDoc(batch: string): Promise<Y.Doc> {
		return this.docFor(batch);
	}
	async markSent(batch: string, sv: Uint8Array): Promise<void> {
		const covered = coveredBy(sv);
		for (const e of this.events.values())
			if (e.event.batch === batch && e.state === 'local' && covered(e.client, e.clock)) e.state = 'sent';
		this.notify();
	}
	async saveServerKeys(pins: ServerKeyPins): Promise<void> {
		this.serverKeyPins = pins;
		this.notify();
	}
	async saveReceipt(r: Parameters<DeviceSyncStore['saveReceipt']>[0]): Promise<void> {
		this.receipts.push({
			batchId: r.batchId,
			stateVector: r.stateVector,
			eventCount: r.eventCount,
			signature: r.signature
		});
		const covered = coveredBy(r.stateVector);
		for (const e of this.events.values()) {
			if (e.event.batch === r.batchId && (e.state === 'local' || e.state === 'sent') && covered(e.client, e.clock))
				e.state = 'receipted';
		}
		this.notify();
	}
	async keepServerContent(batch: string, update: Uint8Array): Promise<void> {
		// storedUpdates picks it up as content that reached the document by other ways.
		Y.applyUpdate(this.docFor(batch), update, 'server');
	}
	async markRefused(r: Parameters<DeviceSyncStore['markRefused']>[0]): Promise<void> {
		// As the station: a refusal naming no event changes nothing (no rebase).
		if (r.eventIds.length === 0) return;
		const { doc, moved } = rebaseBatch(this.docFor(r.batchId), r.stateVector, new Set(r.eventIds));
		this.docs.set(r.batchId, doc);
		// The rebased log replaces the stored one, as the station stores it.
		this.stored.set(r.batchId, [Y.encodeStateAsUpdate(doc)]);
		this.storedState.set(r.batchId, Y.encodeStateVector(doc));
		for (const id of r.eventIds) {
			const e = this.events.get(id);
			if (e) {
				e.state = 'refused';
				e.refusal = r.code;
				e.refusalMessage = r.message;
			}
		}
		for (const m of moved) Object.assign(this.events.get(m.id)!, { client: m.client, clock: m.clock, state: 'local' });
		this.notify();
	}
}
