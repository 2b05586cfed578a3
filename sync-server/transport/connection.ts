import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import { FRAME_HANDSHAKE, FrameOpener, handshakeFrame, sealFrame } from '#shared/protocol/frame';
import {
	AUTH,
	decodeHandshake,
	deviceProofBytes,
	encodeChallenge,
	HELLO,
	serverProofBytes,
	sessionKeysFrom,
	type Transcript
} from '#shared/protocol/handshake';
import { startHeartbeat } from './heartbeat';
import {
	DEFAULT_PING_SECONDS,
	type DevicePolicy,
	decodeMessage,
	encodeMessage,
	MAX_UNRECEIPTED,
	MSG_RECEIPT,
	MSG_REFUSED,
	MSG_SIGNED_SYNC,
	MSG_LOTS,
	MSG_CATALOG,
	MSG_SERVER_KEYS,
	MSG_SERVER_KEYS_ACK,
	MSG_PING,
	MSG_PONG,
	MSG_SYNC,
	MSG_UNRECEIPTED,
	MSG_VENUE,
	MSG_WELCOME,
	type AppMessage
} from '#shared/protocol/messages';
import { isRetryableRefusal, type RetryableRefusalCode } from '#shared/protocol/refusals';
import { parseBatchId } from '#shared/domain/batch';
import { CLOSE } from '#shared/sync/socket';
import { covers, hasContent } from '#shared/sync/yjs-state';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../crypto/ed25519';
import { boxBefore, x25519KeyPair } from '../crypto/x25519';
import type { Catalogs } from '../catalog/catalogs';
import { signReceipt, type Ingest, type IngestResult, type ReceiptBody } from '../ingest/ingest';
import { AnswerQueue } from './answer-queue';
import type { DeviceRecord, Ledger } from '../ledger/ledger';
import type { Logger } from '../logger';
import type { ServerKeyGeneration, ServerKeyring } from '../secrets/server-keyring';
import type { DeviceConnections } from './device-connections';
import { venueKey, type VenueHub } from './venue-hub';
import { TokenBucket } from './rate-limit';
import type { DiskGuard } from '../ledger/disk-guard';
import { isRetryableLedgerError } from '../ledger/errors';
import { refusalForFailure, refusalWhileFull, retryableRefusal, unlessRetryable } from './retryable';

/** Outgoing bytes queued for one peer before it is treated as not reading. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Frames one connection may have received and not yet handled. The limits on requests are
 * counted as frames are handled, so without this a peer sending faster than the server
 * handles would queue work without bound (and never trip them, on a server slow enough). A
 * device waits for answers; its largest burst is one request per batch it holds.
 */
export const MAX_FRAMES_IN_FLIGHT = 4096;

/**
 * Signed updates of one connection checked and waiting for their commit, at most: the next
 * frame is handled once the answers fall below it. Enough to fill a group commit from a few
 * devices; few enough that a refusal finds little queued behind it.
 */
export const MAX_PIPELINED = 256;

/** The answer to one signed update: its result, or a refusal that will pass (retry). */
interface SignedAnswer {
	dev: DeviceRecord;
	doc: string;
	r: IngestResult | { retry: AppMessage };
}

const isReceipt = (r: SignedAnswer['r']): r is Extract<IngestResult, { ok: true }> => !('retry' in r) && r.ok;

/** Yjs encoding of an empty state vector. */
const EMPTY_STATE_VECTOR = Uint8Array.of(0);

export interface ConnectionContext {
	ledger: Ledger;
	catalogs: Catalogs;
	ingest: Ingest;
	/** The server's key pairs by generation: each device is spoken to in the generation it pinned. */
	keyring: ServerKeyring;
	log: Logger;
	handshakeTimeoutMs: number;
	connections: DeviceConnections;
	venues: VenueHub;
	devicePolicy: DevicePolicy;
	/**
	 * A refusal of an update to one of this device's batches was logged: the reconciliation rules
	 * put it in the office queue now, even for a batch of which nothing was ever committed.
	 */
	onRefused?: (batchId: string) => void;
	/** The server's clock (epoch ms), sent in the welcome so a device can tell its own is off. */
	now: () => number;
	/** Bytes this connection may receive (burst, per second). */
	byteBudget: { burst: number; perSecond: number };
	/** Free-space guard of the ledger: below its threshold updates are refused LEDGER_FULL (retryable). */
	disk?: DiskGuard;
}

/**
 * One device's WebSocket: handshake, then sealed frames carrying sync messages. Any frame that
 * fails to open, repeats a nonce or does not decode closes the connection with its own code;
 * nothing from such a frame reaches the ledger.
 */
export function handleConnection(ws: WebSocket, ctx: ConnectionContext): void {
	let state: 'hello' | 'auth' | 'ready' | 'closed' = 'hello';
	let device: DeviceRecord | null = null;
	let transcript: Transcript | null = null;
	let ephemeral: ReturnType<typeof x25519KeyPair> | null = null;
	let opener: FrameOpener | null = null;
	let sealKey: Uint8Array | null = null;
	/** The server keys this connection was proved with: the generation the device has pinned. */
	let serverKeys: ServerKeyGeneration | null = null;
	/** The generation offered in MSG_SERVER_KEYS, until the device acknowledges it. */
	let offeredGeneration: number | null = null;
	/**
	 * Batches with a signed update refused on this connection, until the device offers the batch
	 * again by SyncStep1: the code of a retryable refusal, or null for one that was logged.
	 */
	const refusedBefore = new Map<string, RetryableRefusalCode | null>();
	// Messages of one connection are handled in order.
	let queue: Promise<void> = Promise.resolve();
	let unsubscribeVenue: (() => void) | null = null;
	const stopHeartbeat = startHeartbeat(ws, (ctx.devicePolicy.pingSeconds ?? DEFAULT_PING_SECONDS) * 1000, () =>
		ctx.log.info('device link dead: no answer to ping', { device: device?.id })
	);
	// Pings answered: a device pings about once per interval; this leaves room, and no more.
	const pings = new TokenBucket(10, 1);

	const close = (code: number, reason: string) => {
		if (state === 'closed') return;
		state = 'closed';
		ctx.log.info('connection closed', { device: device?.id, code, reason });
		ws.close(code, reason);
		// A peer that never completes the closing handshake is cut off.
		setTimeout(() => ws.terminate(), 5000).unref();
	};
	const sendReceipt = (body: ReceiptBody) => {
		if (state === 'closed') return;
		send({ type: MSG_RECEIPT, ...signReceipt(body, serverKeys!.signKey) });
	};
	const send = (m: AppMessage) => {
		if (state === 'closed' || !sealKey) return;
		// A peer that stops reading must not make the server buffer without end.
		if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return close(CLOSE.RATE_LIMITED, 'peer is not reading');
		ws.send(sealFrame(sealKey, encodeMessage(m)));
	};
	// Requests that make the server do real work (sign a receipt, serialise batches).
	const step1s = new TokenBucket(2000, 200);
	const venueRequests = new TokenBucket(5, 0.1);
	// Devices report at most about once a second (DeviceSync); a database write each.
	const reports = new TokenBucket(30, 2);
	const timer = setTimeout(() => {
		// Not HANDSHAKE_FAILED, which tells a device to stop for good: a server too busy to
		// finish in time (or a database restarting under it) is a reason to come back later.
		if (state !== 'ready') close(CLOSE.HANDSHAKE_TIMEOUT, 'handshake timeout');
	}, ctx.handshakeTimeoutMs);
	// Protocol violations caught by ws itself (oversized frame, bad opcode) arrive here; ws closes
	// the socket with the matching code. Without a listener they would crash the process.
	ws.on('error', (error) => {
		ctx.log.warn('socket error', { device: device?.id, error: (error as { code?: string }).code ?? String(error) });
		state = 'closed';
	});
	ws.on('close', () => {
		state = 'closed';
		stopHeartbeat();
		unsubscribeVenue?.();
		clearTimeout(timer);
	});

	async function onHello(frame: Uint8Array) {
		const msg = frame[0] === FRAME_HANDSHAKE ? decodeHandshake(frame.subarray(1)) : null;
		if (!msg || msg.type !== HELLO) return close(CLOSE.HANDSHAKE_FAILED, 'expected hello');
		const found = /^[0-9a-f-]{36}$/.test(msg.deviceId) ? await ctx.ledger.device(msg.deviceId) : null;
		if (!found) return close(CLOSE.UNKNOWN_DEVICE, 'unknown device');
		if (found.status === 'revoked') return close(CLOSE.DEVICE_REVOKED, 'device revoked');
		// A retired device may still connect to upload what it recorded; its app stops itself
		// once nothing is left unreceipted (see DeviceSync).
		device = found;
		serverKeys = await ctx.keyring.generation(found.serverKeyGeneration);
		ephemeral = x25519KeyPair();
		transcript = {
			deviceId: found.id,
			deviceEphemeral: msg.ephemeral,
			serverEphemeral: ephemeral.publicKey,
			challenge: new Uint8Array(randomBytes(32))
		};
		const signature = ed25519Sign(serverProofBytes(transcript), serverKeys.signKey);
		state = 'auth';
		ws.send(
			handshakeFrame(encodeChallenge({ ephemeral: ephemeral.publicKey, challenge: transcript.challenge, signature }))
		);
	}

	async function onAuth(frame: Uint8Array) {
		const msg = frame[0] === FRAME_HANDSHAKE ? decodeHandshake(frame.subarray(1)) : null;
		if (!msg || msg.type !== AUTH || !device || !transcript || !ephemeral || !serverKeys)
			return close(CLOSE.HANDSHAKE_FAILED, 'expected auth');
		if (!ed25519Verify(deviceProofBytes(transcript), msg.signature, ed25519PublicKey(device.keys.sign))) {
			return close(CLOSE.HANDSHAKE_FAILED, 'device proof does not verify');
		}
		let keys: ReturnType<typeof sessionKeysFrom>;
		try {
			// node:crypto's X25519: the same keys as tweetnacl's box.before (crypto/x25519.ts).
			keys = sessionKeysFrom(
				boxBefore(transcript.deviceEphemeral, ephemeral.secretKey),
				boxBefore(device.keys.box, serverKeys.boxKey),
				transcript
			);
		} catch {
			// A device ephemeral key of small order: no shared secret to derive.
			return close(CLOSE.HANDSHAKE_FAILED, 'device key unusable');
		}
		opener = new FrameOpener(keys.deviceToServer);
		sealKey = keys.serverToDevice;
		ephemeral = null;
		state = 'ready';
		clearTimeout(timer);
		const dev = device;
		ctx.connections.add(dev.id, ws, {
			close,
			// In the connection's queue: after the welcome, never between two messages' handling.
			sendMasters: () => {
				queue = queue
					.then(() => (state === 'ready' ? sendMasters(dev) : undefined))
					.catch((error: unknown) =>
						ctx.log.warn('could not send master data', { device: dev.id, error: String(error) })
					);
			}
		});
		// Revoked between HELLO and now? The registry above catches any later revocation.
		const current = await ctx.ledger.device(device.id);
		if (current?.status === 'revoked') return close(CLOSE.DEVICE_REVOKED, 'device revoked');
		// Last-seen only: a full disk must not keep a device from connecting.
		await ctx.ledger.touchDevice(device.id).catch(unlessRetryable(ctx.disk));
		ctx.log.info('device connected', { device: device.id, serverKeys: serverKeys.generation });
		// Keys rotated since the device's generation (by the CLI, maybe while this process ran):
		// the certificates up to the current one, before the welcome, so the device takes them
		// (or refuses them) before it syncs anything over this connection.
		const newest = await ctx.keyring.currentGeneration();
		if (newest > serverKeys.generation) {
			offeredGeneration = newest;
			send({ type: MSG_SERVER_KEYS, chain: await ctx.keyring.chain(serverKeys.generation, newest) });
		}
		send({
			type: MSG_WELCOME,
			serverTime: new Date(ctx.now()).toISOString(),
			deviceStatus: device.status,
			policy: ctx.devicePolicy
		});
		await sendMasters(device);
	}

	/** The site's lots and the current vaccine catalogue: at the handshake, and whenever either changes. */
	async function sendMasters(dev: DeviceRecord) {
		send({ type: MSG_LOTS, lots: await ctx.ledger.lots(dev.siteCode) });
		// Re-read: another process or the office may have stored a newer one.
		const catalog = await ctx.catalogs.current();
		send({ type: MSG_CATALOG, version: catalog.version, catalog: catalog.catalog });
	}

	async function onSealed(frame: Uint8Array) {
		const opened = opener!.open(frame);
		if (!opened.ok) {
			const code = {
				REPLAY: CLOSE.FRAME_REPLAY,
				DECRYPT: CLOSE.FRAME_DECRYPT,
				MALFORMED: CLOSE.FRAME_MALFORMED,
				EXHAUSTED: CLOSE.RATE_LIMITED
			}[opened.reason];
			return close(code, `frame ${opened.reason.toLowerCase()}`);
		}
		const message = decodeMessage(opened.plaintext);
		if (!message) return close(CLOSE.FRAME_MALFORMED, 'malformed message');
		await dispatch(device!, message);
	}

	/** The answer to one signed update, once it is committed or refused. */
	async function answerSigned({ dev, doc, r }: SignedAnswer) {
		if ('retry' in r) {
			if (r.retry.type === MSG_REFUSED && isRetryableRefusal(r.retry.code)) refusedBefore.set(doc, r.retry.code);
			return send(r.retry);
		}
		if (!r.ok) {
			if (r.code === 'DEVICE_REVOKED') return close(CLOSE.DEVICE_REVOKED, 'device revoked');
			if (r.code === 'UPDATE_MISSING_BASE' && refusedBefore.has(doc)) {
				// Sent before the device read the refusal of an earlier update of the batch, and
				// built on it: nothing against this one, and not logged (it would put a refused
				// update in the office's queue). The device offers the batch again by SyncStep1,
				// which carries it. Behind a retryable refusal, answered as that one was.
				const earlier = refusedBefore.get(doc);
				if (earlier)
					return send(retryableRefusal(doc, earlier, 'an earlier update of this batch was not stored; offer it again'));
				return send({
					type: MSG_REFUSED,
					doc,
					code: r.code,
					message: r.message,
					eventIds: [],
					stateVector: r.stateVector
				});
			}
			if (!refusedBefore.has(doc)) refusedBefore.set(doc, null);
			ctx.log.warn('update refused', { device: dev.id, code: r.code });
			await ctx.ledger.logRefusal({
				deviceId: dev.id,
				batchId: doc,
				code: r.code,
				message: r.message,
				eventIds: r.eventIds,
				refused: r.refused
			});
			// Only a real batch id of this device and site: anything else a peer sends is not a batch to judge.
			const key = parseBatchId(doc);
			if (key?.deviceId === dev.id && key.siteCode === dev.siteCode) ctx.onRefused?.(doc);
			return send({
				type: MSG_REFUSED,
				doc,
				code: r.code,
				message: r.message,
				eventIds: r.eventIds,
				stateVector: r.stateVector
			});
		}
		if (r.stored) ctx.log.info('update stored', { device: dev.id, doc, events: r.newEvents });
		return sendReceipt(r.receipt);
	}

	async function dispatch(dev: DeviceRecord, m: AppMessage) {
		// Anything but a signed update is handled after the answers to the updates before it.
		if (m.type !== MSG_SIGNED_SYNC) await answered();
		if (m.type === MSG_SYNC && m.kind === messageYjsSyncStep1) {
			if (!step1s.take()) return close(CLOSE.RATE_LIMITED, 'too many sync requests');
			// Offered again: what the device sends next builds on what this exchange says we hold.
			refusedBefore.delete(m.doc);
			const r = await ctx.ingest.syncStep1(dev, m.doc, m.payload).catch((e: unknown) => {
				const retry = refusalForFailure(e, m.doc, ctx.disk);
				if (retry) return { retry };
				throw e;
			});
			if ('retry' in r) return send(r.retry);
			if (!r.ok)
				return send({
					type: MSG_REFUSED,
					doc: m.doc,
					code: r.code,
					message: r.message,
					eventIds: [],
					stateVector: EMPTY_STATE_VECTOR
				});
			if (hasContent(r.missing)) send({ type: MSG_SYNC, doc: m.doc, kind: messageYjsSyncStep2, payload: r.missing });
			send({ type: MSG_SYNC, doc: m.doc, kind: messageYjsSyncStep1, payload: r.serverStateVector });
			return sendReceipt(r.receipt);
		}
		if (m.type === MSG_SIGNED_SYNC) {
			// Failures that will pass are answered on this connection (retryable, no event named).
			const full = refusalWhileFull(ctx.disk, m.doc);
			if (full) return inOrder(Promise.resolve({ dev, doc: m.doc, r: { retry: full } }));
			const retryable = (e: unknown) => {
				const retry = refusalForFailure(e, m.doc, ctx.disk);
				if (retry) return { retry };
				throw e;
			};
			// Verified, checked and committed while the next frames are handed over; answered
			// when committed, behind what was sent before it (pipelining: Ingest.submit). Ingest
			// drops the batch's copy itself when a check or commit fails.
			const result = ctx.ingest.submit(dev, m.doc, m.payload, m.signature).result.catch(retryable);
			return inOrder(result.then((r) => ({ dev, doc: m.doc, r })));
		}
		if (m.type === MSG_VENUE) {
			if (!/^\d{4}-\d{2}-\d{2}$/.test(m.serviceDay)) return close(CLOSE.FRAME_MALFORMED, 'bad service day');
			if (!venueRequests.take()) return close(CLOSE.RATE_LIMITED, 'too many venue requests');
			unsubscribeVenue?.();
			// Subscribe first, then snapshot: an update committing in between arrives twice,
			// which Yjs absorbs, rather than not at all.
			unsubscribeVenue = ctx.venues.subscribe(venueKey(dev.siteCode, m.serviceDay), dev.id, (doc, update) =>
				send({ type: MSG_SYNC, doc, kind: messageYjsUpdate, payload: update })
			);
			for (const b of await ctx.ingest.venueSnapshot(dev, m.serviceDay)) {
				send({ type: MSG_SYNC, doc: b.batchId, kind: messageYjsSyncStep2, payload: b.update });
			}
			return;
		}
		if (m.type === MSG_UNRECEIPTED) {
			// decodeMessage bounds it already; checked here too because this is what is stored.
			if (!Number.isSafeInteger(m.count) || m.count < 0 || m.count > MAX_UNRECEIPTED)
				return close(CLOSE.FRAME_MALFORMED, 'bad unreceipted count');
			if (!reports.take()) return close(CLOSE.RATE_LIMITED, 'too many reports');
			await ctx.ledger.reportUnreceipted(dev.id, m.count).catch(unlessRetryable(ctx.disk));
			return;
		}
		if (m.type === MSG_PING) {
			if (!pings.take()) return close(CLOSE.RATE_LIMITED, 'too many pings');
			return send({ type: MSG_PONG });
		}
		if (m.type === MSG_SERVER_KEYS_ACK) {
			// Only the generation just offered, once: the device cannot move itself anywhere else.
			if (offeredGeneration === null || m.generation !== offeredGeneration)
				return close(CLOSE.PROTOCOL, 'unexpected server key acknowledgement');
			offeredGeneration = null;
			await ctx.keyring.deviceAcknowledged(dev.id, m.generation);
			ctx.log.info('device pinned new server keys', { device: dev.id, serverKeys: m.generation });
			return;
		}
		// Unsigned document changes, and messages only a server sends, are protocol violations.
		close(CLOSE.PROTOCOL, m.type === MSG_SYNC ? 'updates must be signed' : 'unexpected message');
	}

	// Answers to signed updates, in the order the updates came; each waits for its commit while
	// the queue above goes on to check the next update (at most MAX_PIPELINED ahead).
	const answers = new AnswerQueue<SignedAnswer>({
		answer: answerSigned,
		coveredBy: (earlier, later) =>
			isReceipt(earlier.r) &&
			isReceipt(later.r) &&
			earlier.doc === later.doc &&
			covers(later.r.receipt.stateVector, earlier.r.receipt.stateVector),
		onFailure,
		closed: () => state === 'closed'
	});
	/** Sends an answer after every earlier one; returns once few enough are waiting. */
	async function inOrder(answer: Promise<SignedAnswer>) {
		answers.push(answer);
		if (answers.length >= MAX_PIPELINED) await answers.drained();
	}
	const answered = () => answers.drained();

	function onFailure(error: unknown) {
		// The ledger failing for a reason that will pass is no fault of this connection.
		if (state === 'ready' && isRetryableLedgerError(error)) return ctx.disk?.noteFailure(error);
		ctx.log.error('connection error', { device: device?.id, error: String(error) });
		close(CLOSE.SERVER_ERROR, 'server error');
	}

	const bytes = new TokenBucket(ctx.byteBudget.burst, ctx.byteBudget.perSecond);
	let inFlight = 0;
	ws.on('message', (data, isBinary) => {
		if (!isBinary) return close(CLOSE.FRAME_MALFORMED, 'text frame');
		const frame = new Uint8Array(data as Buffer);
		if (!bytes.take(frame.length)) return close(CLOSE.RATE_LIMITED, 'too many bytes on this connection');
		if (++inFlight > MAX_FRAMES_IN_FLIGHT) return close(CLOSE.RATE_LIMITED, 'too many frames in flight');
		queue = queue
			.then(async () => {
				inFlight--;
				if (state === 'closed') return;
				if (state === 'hello') return onHello(frame);
				if (state === 'auth') return onAuth(frame);
				return onSealed(frame);
			})
			.catch(onFailure);
	});
}
