import WebSocket from 'ws';
import * as Y from 'yjs';
import { BATCH_EVENTS, batchId, type DoseEvent, type VaccineCatalog } from '#shared/index';
import { toB64 } from '#shared/protocol/bytes';
import type { LotEntry } from '#shared/protocol/messages';
import { decodeEnrolmentCode } from '#shared/protocol/enrolment-code';
import { generateKeyPairs } from '#shared/protocol/keys';
import type { ServerKeyPins } from '#shared/protocol/server-keys';
import type { DeviceIdentity, HandshakeCrypto } from '#shared/sync/device-channel';
import {
	DeviceSync,
	type DeviceSyncOptions,
	type DeviceSyncStore,
	type LiveUpdate,
	type SyncStatus
} from '#shared/sync/device-sync';
import { coveredBy } from '#shared/sync/yjs-state';
import { rebaseBatch } from '#shared/sync/rebase';
import { fromWhatwgSocket, type MinimalSocket } from '#shared/sync/socket';
import { doseEvent } from './fixtures';

interface Held {
	event: DoseEvent;
	client: number;
	clock: number;
	state: 'local' | 'sent' | 'receipted' | 'refused';
	/** The server's refusal code and message, as the station keeps them. */
	refusal?: string;
	refusalMessage?: string;
}

/**
 * A device in memory: same shared/ sync engine and protocol as the PWA, with the batch
 * documents and outbox held in maps instead of IndexedDB. For integration tests and load.
 */
export class MemoryDevice implements DeviceSyncStore {
	readonly docs = new Map<string, Y.Doc>();
	readonly events = new Map<string, Held>();
	readonly receipts: { batchId: string; stateVector: Uint8Array; eventCount: number; signature: Uint8Array }[] = [];
	/** The server keys this device trusts, as last stored by the sync engine (null: those of its enrolment code). */
	serverKeyPins: ServerKeyPins | null = null;
	/** Errors the sync engine reported (a refused key change among them). */
	readonly errors: string[] = [];
	status: SyncStatus = { state: 'offline', retryInMs: null };
	private sync: DeviceSync | null = null;
	private waiters: (() => void)[] = [];

	private constructor(
		readonly identity: DeviceIdentity & { siteCode: string; municipality: string },
		readonly serverUrl: string
	) {}

	/** A device already enrolled (keys and pinned server keys known), e.g. one a test put in the ledger itself. */
	static withIdentity(
		identity: DeviceIdentity & { siteCode: string; municipality: string },
		serverUrl: string
	): MemoryDevice {
		return new MemoryDevice(identity, serverUrl);
	}

	static async enrol(code: string): Promise<MemoryDevice> {
		const decoded = decodeEnrolmentCode(code);
		if (!decoded) throw new Error('bad enrolment code');
		const keys = generateKeyPairs();
		const res = await fetch(`${decoded.serverUrl}/api/enrol`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				enrolmentId: decoded.enrolmentId,
				secret: decoded.secret,
				boxPublic: toB64(keys.box.publicKey),
				signPublic: toB64(keys.sign.publicKey)
			})
		});
		if (res.status !== 201) throw new Error(`enrol failed: ${res.status} ${await res.text()}`);
		const body = (await res.json()) as { deviceId: string; siteCode: string; municipality: string };
		return new MemoryDevice(
			{
				deviceId: body.deviceId,
				keys,
				serverKeys: decoded.serverKeys,
				siteCode: body.siteCode,
				municipality: body.municipality
			},
			decoded.serverUrl
		);
	}

	batchFor(day = '2026-11-22'): string {
		return batchId({ deviceId: this.identity.deviceId, siteCode: this.identity.siteCode, serviceDay: day });
	}

	doseEvent(
		overrides: Record<string, unknown> = {},
		ticketNumber = String(this.events.size + 1).padStart(10, '0')
	): DoseEvent {
		const { deviceId, siteCode, municipality } = this.identity;
		return doseEvent({ deviceId, siteCode, municipality, batch: this.batchFor() }, ticketNumber, overrides);
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
	venueDay: string | null = null;
	/** The server's welcome at the last connection (its time, policy, the device's status). */
	welcome: Parameters<NonNullable<DeviceSyncOptions['onWelcome']>>[0] | null = null;
	/** How many times the device has come online (handshakes completed) since start(). */
	connections = 0;

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

	/** Each time the engine said the server is not receipting ('stalled'), with its reason. */
	readonly stalls: string[] = [];

	/** `crypto`: the handshake's primitives (tweetnacl's, as on the station, unless given). */
	start(
		options: Pick<DeviceSyncOptions, 'handshakeTimeoutMs' | 'receiptTimeoutMs' | 'reportIntervalMs'> & {
			crypto?: HandshakeCrypto;
		} = {}
	): void {
		const url = `${this.serverUrl.replace(/^http/, 'ws')}/sync`;
		const { crypto, ...rest } = options;
		// The keys stored after a key change, as the station reloads its identity at unlock.
		const identity = this.serverKeyPins
			? {
					...this.identity,
					serverKeys: this.serverKeyPins.current,
					earlierServerKeys: this.serverKeyPins.earlier,
					serverKeyGeneration: this.serverKeyPins.generation
				}
			: this.identity;
		this.sync = new DeviceSync({
			...rest,
			url,
			identity: crypto ? { ...identity, crypto } : identity,
			store: this,
			onError: (e) => {
				this.errors.push(String(e));
				this.notify();
			},
			venueDay: () => this.venueDay,
			onWelcome: (w) => {
				// One welcome per completed handshake ('online' also follows a stall that cleared).
				this.connections++;
				this.welcome = w;
				this.notify();
			},
			openSocket: (u) =>
				this.counting(fromWhatwgSocket(new WebSocket(u) as unknown as Parameters<typeof fromWhatwgSocket>[0])),
			onStatus: (s) => {
				if (s.state === 'stalled') this.stalls.push(s.reason);
				this.status = s;
				this.notify();
			}
		});
		this.sync.start();
	}

	/** WebSocket frames sent and received since start(), handshake included. */
	readonly frames = { sent: 0, received: 0 };

	private counting(socket: MinimalSocket): MinimalSocket {
		return {
			...socket,
			send: (d) => {
				this.frames.sent++;
				socket.send(d);
				this.notify();
			},
			onMessage: (h) =>
				socket.onMessage((d) => {
					this.frames.received++;
					h(d);
				})
		};
	}

	stop(): void {
		this.sync?.stop();
		this.sync = null;
	}

	count(state: Held['state']): number {
		return [...this.events.values()].filter((e) => e.state === state).length;
	}

	/** Resolves when the predicate holds; re-checked after every store change and status. */
	until(predicate: () => boolean): Promise<void> {
		if (predicate()) return Promise.resolve();
		return new Promise((resolve) => {
			const check = () => {
				if (predicate()) resolve();
				else this.waiters.push(check);
			};
			this.waiters.push(check);
		});
	}

	private notify(): void {
		const w = this.waiters;
		this.waiters = [];
		for (const f of w) f();
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
	async saveReceipt(r: {
		batchId: string;
		stateVector: Uint8Array;
		eventCount: number;
		signature: Uint8Array;
	}): Promise<void> {
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
	async markRefused(r: {
		batchId: string;
		code: string;
		message: string;
		eventIds: string[];
		stateVector: Uint8Array;
	}): Promise<void> {
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
