import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import { MAX_KEY_CHAIN, type KeyCertificate } from './server-keys';

/**
 * Application messages inside sealed frames. Document sync is y-protocols' own encoding
 * (SyncStep1 state vector, SyncStep2 diff, Update) prefixed by the batch document id, so many
 * documents share one socket. What the device sends that changes a document (its SyncStep2
 * answer and its live Updates) travels as SIGNED_SYNC, carrying the device's Ed25519 signature
 * over the update; the server stores that signature with the update as proof of authorship.
 *
 * Every message is written down, with test vectors, in PROTOCOL.md (§6): a new one must be
 * added there and to test-vectors.json, or vectors.test.ts fails.
 */
export const MSG_WELCOME = 10;
export const MSG_SYNC = 11;
export const MSG_SIGNED_SYNC = 12;
export const MSG_RECEIPT = 13;
export const MSG_REFUSED = 14;
export const MSG_ERROR = 15;
/** Device asks for the other devices' batches of its site on a service day (read-only), now and as they change. */
export const MSG_VENUE = 16;
/** Server → device: the lot master entries delivered to the device's site (JSON). */
export const MSG_LOTS = 17;
/**
 * Device → server: how many of its events the server has not receipted yet, sent after
 * connecting and when the number changes, so the back office sees what a tablet still holds.
 * A server older than this message closes the connection on it; servers are upgraded before
 * the app they serve, so devices only meet servers that know it.
 */
export const MSG_UNRECEIPTED = 18;
/**
 * Server → device: the current vaccine catalogue (products, makers, GTINs and their rules) and
 * its version, sent at every connection next to MSG_LOTS. The catalogue travels as JSON; the
 * device checks it with parseVaccineCatalog and keeps it only if newer than the one it holds.
 */
export const MSG_CATALOG = 19;
/**
 * Server → device, right after AUTH and before WELCOME, only when the server's keys were rotated
 * since the generation the device last acknowledged: the key-change certificates from that
 * generation to the current one (server-keys.ts). The handshake itself is unchanged: the server
 * completed it with the keys of the device's generation, which the device already trusts.
 */
export const MSG_SERVER_KEYS = 20;
/**
 * Device → server: the device verified the certificates and stored the keys of this generation;
 * the server speaks that generation to it from its next connection on. A device that refuses the
 * change closes the connection instead (CLOSE.SERVER_KEY_CHANGE_REFUSED).
 */
export const MSG_SERVER_KEYS_ACK = 21;
/**
 * Liveness (issue 15): the device sends MSG_PING every `pingSeconds` of its policy (1–300) and the server
 * answers MSG_PONG at once. A device that hears nothing at all for two intervals takes the link as
 * dead (a Wi-Fi link can die without the socket closing) and reconnects, instead of showing
 * online. The server's side is WebSocket ping frames at the same interval (browsers answer them
 * themselves); a device that misses one is terminated. No payload: the sealed frame's nonce
 * already makes each one unique.
 */
export const MSG_PING = 22;
export const MSG_PONG = 23;
/** Far above what a device can hold in a day; a larger report is malformed. */
export const MAX_UNRECEIPTED = 1_000_000;

/** Settings the deployment imposes on its devices, sent at every connection. */
export interface DevicePolicy {
	/** Minutes without input before the station locks. */
	idleLockMinutes: number;
	/** Hours without reaching the server before recording pauses. */
	offlineSessionHours: number;
	/** Days a fully receipted batch stays on the device after its service day. */
	retentionDays: number;
	/**
	 * Fewest digits of a new operator PIN (6–12). A server older than this field sends none:
	 * the device then takes the product's floor, 6.
	 */
	pinMinLength: number;
	/**
	 * Seconds between liveness pings (MSG_PING; the server's WebSocket pings), 5–300. A server
	 * older than this field sends none: the device then takes DEFAULT_PING_SECONDS.
	 */
	pingSeconds?: number;
}

export const DEFAULT_PING_SECONDS = 30;
/** Bounds of pingSeconds. 1 s is for tests (a short interval, no waiting on wall time). */
export const MIN_PING_SECONDS = 1;
export const MAX_PING_SECONDS = 300;

/** The shortest and longest PIN the product allows; a deployment may raise the floor (PIN_MIN_LENGTH). */
export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 12;

export const DEFAULT_DEVICE_POLICY: DevicePolicy = {
	idleLockMinutes: 5,
	offlineSessionHours: 72,
	retentionDays: 0,
	pinMinLength: PIN_MIN_DIGITS
};

export interface LotEntry {
	product: string;
	lot: string;
	expiry: string;
}

export type YSyncKind = typeof messageYjsSyncStep1 | typeof messageYjsSyncStep2 | typeof messageYjsUpdate;

export type AppMessage =
	/** serverTime: the server's clock (ISO 8601, UTC) when it sent the welcome; the station compares its own (shared/sync/clock-skew.ts). */
	| { type: typeof MSG_WELCOME; serverTime: string; deviceStatus: string; policy: DevicePolicy }
	| { type: typeof MSG_SYNC; doc: string; kind: YSyncKind; payload: Uint8Array }
	| {
			type: typeof MSG_SIGNED_SYNC;
			doc: string;
			kind: typeof messageYjsSyncStep2 | typeof messageYjsUpdate;
			payload: Uint8Array;
			signature: Uint8Array;
	  }
	| { type: typeof MSG_RECEIPT; doc: string; stateVector: Uint8Array; eventCount: number; signature: Uint8Array }
	/** stateVector: what the server holds of the document after refusing (for the device's rebase). */
	| {
			type: typeof MSG_REFUSED;
			doc: string;
			code: string;
			message: string;
			eventIds: string[];
			stateVector: Uint8Array;
	  }
	| { type: typeof MSG_ERROR; code: string; message: string }
	| { type: typeof MSG_VENUE; serviceDay: string }
	| { type: typeof MSG_LOTS; lots: LotEntry[] }
	| { type: typeof MSG_UNRECEIPTED; count: number }
	| { type: typeof MSG_CATALOG; version: number; catalog: unknown }
	| { type: typeof MSG_SERVER_KEYS; chain: KeyCertificate[] }
	| { type: typeof MSG_SERVER_KEYS_ACK; generation: number }
	| { type: typeof MSG_PING }
	| { type: typeof MSG_PONG };

export function encodeMessage(m: AppMessage): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, m.type);
	switch (m.type) {
		case MSG_WELCOME:
			encoding.writeVarString(e, m.serverTime);
			encoding.writeVarString(e, m.deviceStatus);
			encoding.writeVarString(e, JSON.stringify(m.policy));
			break;
		case MSG_SYNC:
			encoding.writeVarString(e, m.doc);
			encoding.writeVarUint(e, m.kind);
			encoding.writeVarUint8Array(e, m.payload);
			break;
		case MSG_SIGNED_SYNC:
			encoding.writeVarString(e, m.doc);
			encoding.writeVarUint8Array(e, m.signature);
			encoding.writeVarUint(e, m.kind);
			encoding.writeVarUint8Array(e, m.payload);
			break;
		case MSG_RECEIPT:
			encoding.writeVarString(e, m.doc);
			encoding.writeVarUint8Array(e, m.stateVector);
			encoding.writeVarUint(e, m.eventCount);
			encoding.writeVarUint8Array(e, m.signature);
			break;
		case MSG_REFUSED:
			encoding.writeVarString(e, m.doc);
			encoding.writeVarString(e, m.code);
			encoding.writeVarString(e, m.message);
			encoding.writeVarUint(e, m.eventIds.length);
			for (const id of m.eventIds) encoding.writeVarString(e, id);
			encoding.writeVarUint8Array(e, m.stateVector);
			break;
		case MSG_ERROR:
			encoding.writeVarString(e, m.code);
			encoding.writeVarString(e, m.message);
			break;
		case MSG_VENUE:
			encoding.writeVarString(e, m.serviceDay);
			break;
		case MSG_LOTS:
			encoding.writeVarString(e, JSON.stringify(m.lots.map(({ product, lot, expiry }) => ({ product, lot, expiry }))));
			break;
		case MSG_UNRECEIPTED:
			encoding.writeVarUint(e, m.count);
			break;
		case MSG_CATALOG:
			encoding.writeVarUint(e, m.version);
			encoding.writeVarString(e, JSON.stringify(m.catalog));
			break;
		case MSG_SERVER_KEYS:
			encoding.writeVarUint(e, m.chain.length);
			for (const c of m.chain) {
				encoding.writeVarUint(e, c.generation);
				encoding.writeVarUint8Array(e, c.box);
				encoding.writeVarUint8Array(e, c.sign);
				encoding.writeVarUint8Array(e, c.signature);
			}
			break;
		case MSG_SERVER_KEYS_ACK:
			encoding.writeVarUint(e, m.generation);
			break;
		case MSG_PING:
		case MSG_PONG:
			break;
	}
	return encoding.toUint8Array(e);
}

/** A device policy as JSON (the welcome's, or GET /api/device-policy's); throws when malformed. */
export function parsePolicy(json: string): DevicePolicy {
	const p = JSON.parse(json) as Partial<DevicePolicy>;
	const n = (v: unknown, min: number, max: number) =>
		typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
	if (!n(p.idleLockMinutes, 1, 240) || !n(p.offlineSessionHours, 1, 24 * 30) || !n(p.retentionDays, 0, 365))
		throw new Error('bad policy');
	const pinMinLength = p.pinMinLength ?? PIN_MIN_DIGITS;
	if (!n(pinMinLength, PIN_MIN_DIGITS, PIN_MAX_DIGITS)) throw new Error('bad policy');
	const policy: DevicePolicy = {
		idleLockMinutes: p.idleLockMinutes!,
		offlineSessionHours: p.offlineSessionHours!,
		retentionDays: p.retentionDays!,
		pinMinLength
	};
	if (p.pingSeconds === undefined) return policy;
	if (!n(p.pingSeconds, MIN_PING_SECONDS, MAX_PING_SECONDS)) throw new Error('bad policy');
	return { ...policy, pingSeconds: p.pingSeconds };
}

function readSyncKind(d: decoding.Decoder): YSyncKind {
	const kind = decoding.readVarUint(d);
	if (kind !== messageYjsSyncStep1 && kind !== messageYjsSyncStep2 && kind !== messageYjsUpdate) {
		throw new Error('unknown sync message');
	}
	return kind;
}

/** Decodes one message; null for anything malformed or with trailing bytes. */
export function decodeMessage(bytes: Uint8Array): AppMessage | null {
	try {
		const d = decoding.createDecoder(bytes);
		const type = decoding.readVarUint(d);
		let m: AppMessage;
		switch (type) {
			case MSG_WELCOME:
				m = {
					type,
					serverTime: decoding.readVarString(d),
					deviceStatus: decoding.readVarString(d),
					policy: parsePolicy(decoding.readVarString(d))
				};
				break;
			case MSG_SYNC:
				m = { type, doc: decoding.readVarString(d), kind: readSyncKind(d), payload: decoding.readVarUint8Array(d) };
				break;
			case MSG_SIGNED_SYNC: {
				const doc = decoding.readVarString(d);
				const signature = decoding.readVarUint8Array(d);
				const kind = readSyncKind(d);
				if (kind === messageYjsSyncStep1) return null;
				m = { type, doc, signature, kind, payload: decoding.readVarUint8Array(d) };
				break;
			}
			case MSG_RECEIPT:
				m = {
					type,
					doc: decoding.readVarString(d),
					stateVector: decoding.readVarUint8Array(d),
					eventCount: decoding.readVarUint(d),
					signature: decoding.readVarUint8Array(d)
				};
				break;
			case MSG_REFUSED: {
				const doc = decoding.readVarString(d);
				const code = decoding.readVarString(d);
				const message = decoding.readVarString(d);
				const n = decoding.readVarUint(d);
				if (n > 100_000) return null;
				const eventIds: string[] = [];
				for (let i = 0; i < n; i++) eventIds.push(decoding.readVarString(d));
				m = { type, doc, code, message, eventIds, stateVector: decoding.readVarUint8Array(d) };
				break;
			}
			case MSG_ERROR:
				m = { type, code: decoding.readVarString(d), message: decoding.readVarString(d) };
				break;
			case MSG_VENUE:
				m = { type, serviceDay: decoding.readVarString(d) };
				break;
			case MSG_LOTS: {
				const lots: unknown = JSON.parse(decoding.readVarString(d));
				if (
					!Array.isArray(lots) ||
					!lots.every(
						(l) => l && typeof l.product === 'string' && typeof l.lot === 'string' && typeof l.expiry === 'string'
					)
				)
					return null;
				m = { type, lots: lots as LotEntry[] };
				break;
			}
			case MSG_UNRECEIPTED: {
				const count = decoding.readVarUint(d);
				if (!Number.isSafeInteger(count) || count > MAX_UNRECEIPTED) return null;
				m = { type, count };
				break;
			}
			case MSG_CATALOG: {
				const version = decoding.readVarUint(d);
				if (!Number.isSafeInteger(version) || version < 1) return null;
				// Shape and rules are the device's to check (parseVaccineCatalog) before it keeps it.
				const catalog: unknown = JSON.parse(decoding.readVarString(d));
				if (catalog === null || typeof catalog !== 'object' || Array.isArray(catalog)) return null;
				m = { type, version, catalog };
				break;
			}
			case MSG_SERVER_KEYS: {
				const n = decoding.readVarUint(d);
				if (n < 1 || n > MAX_KEY_CHAIN) return null;
				const chain: KeyCertificate[] = [];
				for (let i = 0; i < n; i++) {
					const c = {
						generation: decoding.readVarUint(d),
						box: decoding.readVarUint8Array(d),
						sign: decoding.readVarUint8Array(d),
						signature: decoding.readVarUint8Array(d)
					};
					if (
						!Number.isSafeInteger(c.generation) ||
						c.box.length !== 32 ||
						c.sign.length !== 32 ||
						c.signature.length !== 64
					)
						return null;
					chain.push(c);
				}
				m = { type, chain };
				break;
			}
			case MSG_SERVER_KEYS_ACK: {
				const generation = decoding.readVarUint(d);
				if (!Number.isSafeInteger(generation) || generation < 2) return null;
				m = { type, generation };
				break;
			}
			case MSG_PING:
			case MSG_PONG:
				m = { type };
				break;
			default:
				return null;
		}
		return decoding.hasContent(d) ? null : m;
	} catch {
		return null;
	}
}
