import * as Y from 'yjs';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import { parseBatchId } from '../domain/batch';
import { parseVaccineCatalog, type VaccineCatalog } from '../domain/vaccines';
import {
	DEFAULT_PING_SECONDS,
	MAX_UNRECEIPTED,
	MSG_CATALOG,
	MSG_ERROR,
	MSG_LOTS,
	MSG_PING,
	MSG_PONG,
	MSG_RECEIPT,
	MSG_REFUSED,
	MSG_SIGNED_SYNC,
	MSG_SYNC,
	MSG_UNRECEIPTED,
	MSG_VENUE,
	MSG_WELCOME,
	type AppMessage,
	type LotEntry
} from '../protocol/messages';
import { receiptSigningBytes, updateSigningBytes } from '../protocol/signing';
import type { PublicKeys } from '../protocol/keys';
import {
	pinsAfterChange,
	sameServerKeys,
	verifyKeyChain,
	type KeyCertificate,
	type ServerKeyPins
} from '../protocol/server-keys';
import { isRetryableRefusal } from '../protocol/refusals';
import { backoffDelay } from './backoff';
import { ReceiptWatch, type StallReason } from './receipt-watch';
import { chunkedDiff, MAX_UPDATE_BYTES, mergedChunks } from './chunk';
import { covers, hasContent, joinStateVectors } from './yjs-state';
import { Liveness } from './liveness';
import {
	openDeviceChannel,
	TWEETNACL_CRYPTO,
	type DeviceCrypto,
	type DeviceIdentity,
	type KeyChangeDecision,
	type SecureChannel
} from './device-channel';
import { CLOSE, type MinimalSocket, type OpenSocket } from './socket';

/**
 * Where the engine finds batch documents and records what the server said about them. The PWA
 * implements it over IndexedDB; the simulator and tests over memory.
 */
export interface DeviceSyncStore {
	/** Batches that may hold events the server has not receipted yet. */
	pendingBatchIds(): Promise<string[]>;
	/** The live document of a batch (the same instance the app appends to). */
	batchDoc(batchId: string): Promise<Y.Doc>;
	/**
	 * The batch's updates as stored, in the order they were saved (one per event, plus any
	 * the store wrote whole, e.g. after a rebase). With it an upload is merged from these
	 * instead of cut from the document (see mergedChunks). Must not return in the middle of
	 * an append: what it returns is on disk.
	 */
	storedUpdates?(batchId: string): Promise<Uint8Array[]>;
	/**
	 * Content of this device's own batch that the server holds and the device lacks (a device
	 * restored from an older copy): applied to the live document and stored before it resolves.
	 * A write that fails rejects, and the document is left as stored: nothing is kept in memory
	 * only, and the server sends the content again when the device next offers the batch by
	 * SyncStep1 (at a connection while the batch holds unreceipted events).
	 */
	keepServerContent(batchId: string, update: Uint8Array): Promise<void>;
	/** Everything up to this state vector has been handed to the socket. */
	markSent(batchId: string, stateVector: Uint8Array): Promise<void>;
	/** The server committed everything up to this state vector (receipt signature verified). */
	saveReceipt(receipt: {
		batchId: string;
		stateVector: Uint8Array;
		eventCount: number;
		signature: Uint8Array;
	}): Promise<void>;
	/**
	 * The server refused these events. The store marks them with the reason and rebases the
	 * batch (see rebase.ts) onto the server's state so the remaining events can still flow.
	 */
	markRefused(refusal: {
		batchId: string;
		code: string;
		message: string;
		eventIds: string[];
		stateVector: Uint8Array;
	}): Promise<void>;
	/** The lot master entries delivered to this device's site, as the server last sent them. */
	saveLots?(lots: LotEntry[]): Promise<void>;
	/**
	 * The vaccine catalogue the server sent, checked (parseVaccineCatalog) and newer than the
	 * version `catalogVersion` reports; the station records and checks new events against it.
	 */
	saveCatalog?(entry: { version: number; catalog: VaccineCatalog }): Promise<void>;
	/** The version of the catalogue this device holds (0: only the built-in one). */
	catalogVersion?(): Promise<number>;
	/** Another device's batch of the same site and day (read-only venue view). */
	venueUpdate?(batchId: string, update: Uint8Array): Promise<void>;
	/** How many events the server has not receipted yet (local or sent); reported to the back office. */
	unreceiptedCount?(): Promise<number>;
	/**
	 * The server keys this device trusts from now on (after a verified key change, or once the
	 * server has proved itself with the newest and the earlier ones are dropped). Stored before
	 * the device acknowledges the change: a key change is never acknowledged and then forgotten.
	 */
	saveServerKeys(pins: ServerKeyPins): Promise<void>;
}

/** A live event's update as the store saved it, and the document's state vector just before it. */
export interface LiveUpdate {
	update: Uint8Array;
	stateBefore: Uint8Array;
	stateAfter: Uint8Array;
}

export type SyncStatus =
	| { state: 'offline'; retryInMs: number | null }
	| { state: 'connecting' }
	| { state: 'online' }
	/**
	 * Connected, but the server is not receipting what was sent: it refused for a while
	 * (LEDGER_FULL, LEDGER_UNAVAILABLE; the batch is offered again in retryInMs) or has not
	 * answered for `receiptTimeoutMs` (NO_RECEIPT). The records stay on the device.
	 */
	| { state: 'stalled'; reason: StallReason; retryInMs: number | null }
	| { state: 'stopped'; code: number; reason: string };

export interface DeviceSyncOptions {
	url: string;
	identity: DeviceIdentity;
	store: DeviceSyncStore;
	openSocket: OpenSocket;
	onStatus?: (status: SyncStatus) => void;
	onError?: (error: unknown) => void;
	random?: () => number;
	/** Told of the server's welcome at each connection (device policy, status). */
	onWelcome?: (welcome: Extract<AppMessage, { type: typeof MSG_WELCOME }>) => void;
	/** Service day whose venue view to follow (other devices' batches of this site), if any. */
	venueDay?: () => string | null;
	/** Least time between two reports of the unreceipted count (default 1 s; the latest value always follows). */
	reportIntervalMs?: number;
	/**
	 * Longest wait from opening the socket to the server's welcome (default 20 s). A balancer or
	 * a captive portal may accept the connection and never answer; without a deadline the
	 * device would wait in 'connecting' for good instead of retrying.
	 */
	handshakeTimeoutMs?: number;
	/** Connected with updates sent and no receipt for this long: the 'stalled' state (default 20 s). */
	receiptTimeoutMs?: number;
}

/** Yjs encoding of an empty state vector: covered by anything. */
const EMPTY_STATE_VECTOR = Uint8Array.of(0);

/** Close codes after which retrying is pointless until a person acts. */
const TERMINAL = new Set<number>([
	CLOSE.UNKNOWN_DEVICE,
	CLOSE.DEVICE_REVOKED,
	CLOSE.DEVICE_RETIRED,
	CLOSE.HANDSHAKE_FAILED,
	CLOSE.SERVER_KEY_CHANGE_REFUSED
]);

/**
 * The device's side of sync: one socket, many batch documents.
 *
 * y-websocket's provider speaks the same y-protocols messages but binds one document to one
 * socket and sends plaintext, unsigned, unacknowledged updates. We need many documents per
 * socket, sealed frames, a signature on every update and a receipt after the server's commit,
 * so this is a small provider on the same protocol.
 */
export class DeviceSync {
	private channel: SecureChannel | null = null;
	private attempt = 0;
	/** Numbers the connections; callbacks of an abandoned one are ignored. */
	private connection = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running = false;
	/** The back office retired this device: upload what is left, then stop for good. */
	private retired = false;
	private inbox: Promise<void> = Promise.resolve();
	private reportTimer: ReturnType<typeof setTimeout> | null = null;
	/** The unreceipted count last sent on the current connection. */
	private reported: number | null = null;
	private readonly opts: DeviceSyncOptions;
	/** Signs this device's updates and checks the server's receipts (the identity's, else tweetnacl's). */
	private readonly crypto: DeviceCrypto;
	/** The server keys this device trusts (from its identity, then from each key change it accepted). */
	private pins: ServerKeyPins;
	/** The pinned keys the server proved the current connection with: receipts are checked against them. */
	private connectionKeys: PublicKeys | null = null;
	/** Receipts awaited on the current connection; backs off on retryable refusals. */
	private readonly watch: ReceiptWatch;
	/**
	 * Per batch, on the current connection: what the server holds or will hold once it has
	 * handled the frames already sent (frames of one connection are handled in order), from
	 * its receipts and our own SyncStep2 and Update frames. A live update whose base it covers
	 * can go alone; otherwise the engine falls back to SyncStep1. Forgotten at a refusal.
	 */
	private serverHas = new Map<string, Uint8Array>();

	constructor(opts: DeviceSyncOptions) {
		this.opts = opts;
		this.crypto = opts.identity.crypto ?? TWEETNACL_CRYPTO;
		this.watch = new ReceiptWatch({
			receiptTimeoutMs: opts.receiptTimeoutMs ?? 20_000,
			random: opts.random ?? Math.random,
			onStalled: (reason, retryInMs) => this.status({ state: 'stalled', reason, retryInMs }),
			onRecovered: () => this.status({ state: 'online' }),
			retry: (batchIds) => {
				const channel = this.channel;
				if (!channel) return;
				void (async () => {
					for (const id of batchIds) await this.sendStep1(channel, id);
				})().catch((e: unknown) => this.opts.onError?.(e));
			}
		});
		const id = opts.identity;
		this.pins = {
			current: id.serverKeys,
			generation: id.serverKeyGeneration ?? null,
			earlier: id.earlierServerKeys ?? []
		};
	}

	/** The server keys this device trusts now. */
	get serverKeyPins(): ServerKeyPins {
		return this.pins;
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.connect();
	}

	stop(): void {
		this.running = false;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.clearReport();
		this.watch.reset();
		this.channel?.close(1000, 'stopped');
		this.channel = null;
	}

	/** Reconnect now (e.g. the browser reported it is online again). */
	nudge(): void {
		if (!this.running || this.channel) return;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.connect();
	}

	get online(): boolean {
		return this.channel !== null;
	}

	/**
	 * Offer a batch's new local events to the server now, if connected. With the update the
	 * store just saved (`live`), and a server known to hold its base on this connection, that
	 * update goes as one signed Update and comes back as one receipt; otherwise (first event
	 * of a batch on this connection with earlier content unknown, after a refusal) the batch is
	 * offered with a SyncStep1 and the exchange of a (re)connection follows.
	 */
	push(batchId: string, live?: LiveUpdate): Promise<void> {
		const run = this.inbox.then(() => this.pushNow(batchId, live));
		this.inbox = run.catch((e: unknown) => this.opts.onError?.(e));
		return this.inbox;
	}

	private async pushNow(batchId: string, live?: LiveUpdate): Promise<void> {
		const channel = this.channel;
		if (!channel) return;
		const known = this.serverHas.get(batchId) ?? EMPTY_STATE_VECTOR;
		if (live && covers(known, live.stateAfter)) return; // already on its way in an earlier frame
		if (live && covers(known, live.stateBefore)) {
			const { deviceId, keys } = this.opts.identity;
			const signature = this.crypto.sign(updateSigningBytes(batchId, deviceId, live.update), keys.sign.secretKey);
			channel.send({ type: MSG_SIGNED_SYNC, doc: batchId, kind: messageYjsUpdate, payload: live.update, signature });
			this.serverHas.set(batchId, joinStateVectors(known, live.stateAfter));
			await this.opts.store.markSent(batchId, live.stateAfter);
			this.watch.sent(batchId, live.stateAfter);
		} else {
			await this.sendStep1(channel, batchId);
		}
		this.scheduleReport();
	}

	/**
	 * Reports the unreceipted count after the interval: receipts can arrive by the hundred, and
	 * the back office needs the latest value, not every step. One timer at a time, so the value
	 * read when it fires is the newest.
	 */
	private scheduleReport(): void {
		if (!this.opts.store.unreceiptedCount || this.reportTimer || !this.channel) return;
		this.reportTimer = setTimeout(() => {
			this.reportTimer = null;
			void this.report().catch((e: unknown) => this.opts.onError?.(e));
		}, this.opts.reportIntervalMs ?? 1000);
	}

	private clearReport(): void {
		if (this.reportTimer) clearTimeout(this.reportTimer);
		this.reportTimer = null;
		this.reported = null;
	}

	/** Sends the count now if it differs from what this connection last reported. */
	private async report(): Promise<void> {
		const channel = this.channel;
		if (!channel || !this.opts.store.unreceiptedCount) return;
		const count = Math.min(await this.opts.store.unreceiptedCount(), MAX_UNRECEIPTED);
		if (channel !== this.channel || count === this.reported) return;
		this.reported = count;
		channel.send({ type: MSG_UNRECEIPTED, count });
	}

	private status(s: SyncStatus): void {
		this.opts.onStatus?.(s);
	}

	private connect(): void {
		this.status({ state: 'connecting' });
		const id = ++this.connection;
		let socket: MinimalSocket;
		try {
			socket = this.opts.openSocket(this.opts.url);
		} catch (e) {
			this.opts.onError?.(e);
			this.scheduleReconnect();
			return;
		}
		const deadline = setTimeout(() => {
			if (id !== this.connection) return;
			// Abandon this connection: whatever its socket does later is ignored.
			this.connection++;
			socket.close(CLOSE.HANDSHAKE_TIMEOUT, 'no answer from the server');
			this.opts.onError?.(new Error('sync handshake timed out'));
			if (this.running) this.scheduleReconnect();
		}, this.opts.handshakeTimeoutMs ?? 20_000);
		let liveness: Liveness | null = null;
		const identity: DeviceIdentity = {
			...this.opts.identity,
			serverKeys: this.pins.current,
			earlierServerKeys: this.pins.earlier,
			serverKeyGeneration: this.pins.generation
		};
		openDeviceChannel(socket, identity, {
			onServerKeys: (chain, provedBy) => this.takeServerKeys(chain, provedBy),
			onReady: (channel, welcome, provedBy) => {
				clearTimeout(deadline);
				if (id !== this.connection) return channel.close(1000, 'abandoned');
				this.channel = channel;
				this.connectionKeys = provedBy;
				this.serverHas = new Map();
				// The server proved itself with the newest keys, so it has recorded the change:
				// the keys kept in case its acknowledgement was lost are no longer trusted.
				if (sameServerKeys(provedBy, this.pins.current) && this.pins.earlier.length > 0) {
					const pins = { ...this.pins, earlier: [] };
					this.inbox = this.inbox
						.then(async () => {
							await this.opts.store.saveServerKeys(pins);
							this.pins = pins;
						})
						.catch((e: unknown) => this.opts.onError?.(e));
				}
				this.clearReport();
				this.retired = welcome.deviceStatus === 'retired';
				this.opts.onWelcome?.(welcome);
				this.attempt = 0;
				this.status({ state: 'online' });
				// A link that dies without closing the socket must not keep showing online (liveness.ts).
				liveness = new Liveness({
					intervalMs: (welcome.policy.pingSeconds ?? DEFAULT_PING_SECONDS) * 1000,
					ping: () => channel.send({ type: MSG_PING }),
					onDead: () => {
						if (id !== this.connection || !this.running) return;
						this.connection++;
						this.channel = null;
						this.clearReport();
						socket.close(CLOSE.HANDSHAKE_TIMEOUT, 'no answer from the server');
						this.opts.onError?.(new Error('sync link dead: no answer to ping'));
						if (this.running) this.scheduleReconnect();
					}
				});
				void this.announceAll(channel);
			},
			onMessage: (m) => {
				if (id !== this.connection) return;
				liveness?.heard();
				if (m.type === MSG_PONG) return;
				// One message at a time: a refusal's rebase must not interleave with a receipt
				// or another refusal of the same batch.
				this.inbox = this.inbox.then(() => this.handle(m)).catch((e: unknown) => this.opts.onError?.(e));
			},
			onClose: (code, reason) => {
				clearTimeout(deadline);
				liveness?.stop();
				if (id !== this.connection) return;
				this.channel = null;
				this.clearReport();
				this.watch.reset();
				if (!this.running) return;
				if (TERMINAL.has(code)) {
					this.running = false;
					this.status({ state: 'stopped', code, reason });
					return;
				}
				this.scheduleReconnect();
			}
		});
	}

	/**
	 * A key change the server offered: each certificate must be signed by the key before it,
	 * starting from the pinned key that proved this connection. Accepted keys are stored before
	 * they are acknowledged. A chain that does not verify is refused: the pins stay as they are,
	 * the error is reported, and the connection closes before anything syncs over it.
	 */
	private async takeServerKeys(chain: KeyCertificate[], provedBy: PublicKeys): Promise<KeyChangeDecision> {
		const check = verifyKeyChain(provedBy, chain);
		if (!check.ok) {
			this.opts.onError?.(new Error(`server key change refused: ${check.reason}`));
			return { refused: check.reason };
		}
		const pins = pinsAfterChange(this.pins, provedBy, check);
		await this.opts.store.saveServerKeys(pins);
		this.pins = pins;
		return { accepted: check.generation };
	}

	private scheduleReconnect(): void {
		const delay = backoffDelay(this.attempt++, this.opts.random);
		this.status({ state: 'offline', retryInMs: delay });
		this.timer = setTimeout(() => {
			this.timer = null;
			if (this.running) this.connect();
		}, delay);
	}

	private async announceAll(channel: SecureChannel): Promise<void> {
		try {
			for (const id of await this.opts.store.pendingBatchIds()) await this.sendStep1(channel, id);
			const day = this.opts.venueDay?.();
			if (day && this.opts.store.venueUpdate) channel.send({ type: MSG_VENUE, serviceDay: day });
			await this.report();
			await this.stopIfRetiredAndDone();
		} catch (e) {
			this.opts.onError?.(e);
		}
	}

	private async stopIfRetiredAndDone(): Promise<void> {
		if (!this.retired || (await this.opts.store.pendingBatchIds()).length > 0) return;
		// The last word of a retired device: it holds nothing unreceipted.
		await this.report();
		this.stop();
		this.status({
			state: 'stopped',
			code: CLOSE.DEVICE_RETIRED,
			reason: 'device retired; everything it recorded is receipted'
		});
	}

	private async sendStep1(channel: SecureChannel, batchId: string): Promise<void> {
		const doc = await this.opts.store.batchDoc(batchId);
		channel.send({ type: MSG_SYNC, doc: batchId, kind: messageYjsSyncStep1, payload: Y.encodeStateVector(doc) });
	}

	private async handle(m: AppMessage): Promise<void> {
		const channel = this.channel;
		if (!channel) return;
		const { store, identity } = this.opts;
		switch (m.type) {
			case MSG_SYNC: {
				if (parseBatchId(m.doc)?.deviceId !== identity.deviceId) {
					// Venue view: another table's batch, kept apart and never written to.
					if (m.kind !== messageYjsSyncStep1) await store.venueUpdate?.(m.doc, m.payload);
					return;
				}
				if (m.kind === messageYjsSyncStep1) {
					const doc = await store.batchDoc(m.doc);
					// The server's state vector: answer with everything it lacks, signed, in
					// frame-sized pieces, each sent as soon as it is made. From the stored
					// per-event updates merged when the store has them (linear in what is sent);
					// otherwise cut from the document.
					this.serverHas.set(m.doc, m.payload);
					// A batch whose stored updates fit in one frame goes whole, encoded from the
					// document once (merging a day's per-event updates costs more than that).
					const stored = store.storedUpdates ? await store.storedUpdates(m.doc) : null;
					const fits = stored !== null && stored.reduce((n, u) => n + u.length, 0) <= MAX_UPDATE_BYTES;
					const merged = stored && !fits ? mergedChunks(stored, m.payload) : null;
					let sent = m.payload;
					for (const diff of merged ?? chunkedDiff(doc, m.payload)) {
						if (!hasContent(diff)) continue;
						const signature = this.crypto.sign(
							updateSigningBytes(m.doc, identity.deviceId, diff),
							identity.keys.sign.secretKey
						);
						channel.send({ type: MSG_SIGNED_SYNC, doc: m.doc, kind: messageYjsSyncStep2, payload: diff, signature });
						sent = joinStateVectors(sent, Y.encodeStateVectorFromUpdate(diff));
					}
					if (sent === m.payload) return;
					this.serverHas.set(m.doc, sent);
					await store.markSent(m.doc, sent);
					this.watch.sent(m.doc, sent);
				} else {
					// What the server holds of our own batch that we lack (a device restored
					// from an older copy): take it back rather than write a divergent history.
					// Awaited: a failed write reaches onError instead of being lost silently.
					await store.keepServerContent(m.doc, m.payload);
				}
				return;
			}
			case MSG_RECEIPT: {
				// Signed with the keys that proved this connection (a key change takes effect at the next).
				const ok =
					!!this.connectionKeys &&
					this.crypto.verify(
						receiptSigningBytes(m.doc, m.stateVector, m.eventCount),
						m.signature,
						this.connectionKeys.sign
					);
				if (!ok) {
					channel.close(CLOSE.HANDSHAKE_FAILED, 'receipt signature invalid');
					return;
				}
				await store.saveReceipt({
					batchId: m.doc,
					stateVector: m.stateVector,
					eventCount: m.eventCount,
					signature: m.signature
				});
				this.watch.receipt(m.doc, m.stateVector);
				if (parseBatchId(m.doc)?.deviceId === identity.deviceId)
					this.serverHas.set(m.doc, joinStateVectors(this.serverHas.get(m.doc) ?? EMPTY_STATE_VECTOR, m.stateVector));
				this.scheduleReport();
				await this.stopIfRetiredAndDone();
				return;
			}
			case MSG_REFUSED:
				// The server could not store it now (full disk, ledger restarting): wait, offer again.
				// It dropped what it had integrated: the next offer goes by SyncStep1.
				if (isRetryableRefusal(m.code)) {
					this.serverHas.delete(m.doc);
					return this.watch.retryable(m.doc, m.code);
				}
				// Built on an update the server did not store (sent before its refusal arrived):
				// nothing against these events. Marking them refused or forgetting them would
				// leave them unsent until the next dose or reconnection: offer the batch again.
				if (m.code === 'UPDATE_MISSING_BASE') {
					this.serverHas.delete(m.doc);
					if (this.watch.baseMissing(m.doc)) await this.sendStep1(channel, m.doc);
					return;
				}
				this.opts.onError?.(new Error(`refused ${m.doc}: ${m.code}`));
				this.watch.answered(m.doc);
				// What the server holds is no longer known: the next event goes by SyncStep1.
				this.serverHas.delete(m.doc);
				if (m.eventIds.length === 0) return;
				await store.markRefused({
					batchId: m.doc,
					code: m.code,
					message: m.message,
					eventIds: m.eventIds,
					stateVector: m.stateVector
				});
				this.scheduleReport();
				// Offer what remains of the batch again.
				await this.sendStep1(channel, m.doc);
				return;
			case MSG_ERROR:
				this.opts.onError?.(new Error(`${m.code}: ${m.message}`));
				return;
			case MSG_LOTS:
				await store.saveLots?.(m.lots);
				return;
			case MSG_CATALOG: {
				if (!store.saveCatalog) return;
				// Never step back: a server process that has not seen the newest version yet cannot
				// take it from the device (connections may land on any process).
				if (m.version <= ((await store.catalogVersion?.()) ?? 0)) return;
				const parsed = parseVaccineCatalog(m.catalog);
				if (!parsed.ok) {
					this.opts.onError?.(
						new Error(
							`catalog ${m.version} refused: ${parsed.errors[0]?.path ?? ''} ${parsed.errors[0]?.message ?? ''}`
						)
					);
					return;
				}
				await store.saveCatalog({ version: m.version, catalog: parsed.catalog });
				return;
			}
			default:
				return;
		}
	}
}
