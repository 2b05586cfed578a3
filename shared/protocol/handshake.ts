import nacl from 'tweetnacl';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { concatBytes, utf8 } from './bytes';

/**
 * Connection handshake (plaintext frames, before any application data):
 *
 *   device → server  HELLO      deviceId, device ephemeral X25519 public key
 *   server → device  CHALLENGE  server ephemeral public key, 32 random bytes,
 *                               server Ed25519 signature over the transcript
 *   device → server  AUTH       device Ed25519 signature over the transcript
 *
 * The device checks the server's signature against the key it pinned at enrolment; the server
 * checks the device's against the key registered at enrolment. Frame keys mix the ephemeral
 * exchange (forward secrecy) with the static box keys of both parties (binding the keys to the
 * enrolled identities) and the transcript, one key per direction. Written down, with test
 * vectors, in PROTOCOL.md (§5).
 */
export const HELLO = 1;
export const CHALLENGE = 2;
export const AUTH = 3;

const PROTOCOL = 'vacc-sync-v1';

export interface Hello {
	deviceId: string;
	ephemeral: Uint8Array;
}
export interface Challenge {
	ephemeral: Uint8Array;
	challenge: Uint8Array;
	signature: Uint8Array;
}

export function encodeHello(h: Hello): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, HELLO);
	encoding.writeVarString(e, h.deviceId);
	encoding.writeVarUint8Array(e, h.ephemeral);
	return encoding.toUint8Array(e);
}

export function encodeChallenge(c: Challenge): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, CHALLENGE);
	encoding.writeVarUint8Array(e, c.ephemeral);
	encoding.writeVarUint8Array(e, c.challenge);
	encoding.writeVarUint8Array(e, c.signature);
	return encoding.toUint8Array(e);
}

export function encodeAuth(signature: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, AUTH);
	encoding.writeVarUint8Array(e, signature);
	return encoding.toUint8Array(e);
}

export type HandshakeMessage =
	| ({ type: typeof HELLO } & Hello)
	| ({ type: typeof CHALLENGE } & Challenge)
	| { type: typeof AUTH; signature: Uint8Array };

/** Decodes a handshake payload; null for anything malformed (lib0 throws on truncation). */
export function decodeHandshake(payload: Uint8Array): HandshakeMessage | null {
	try {
		const d = decoding.createDecoder(payload);
		const type = decoding.readVarUint(d);
		let msg: HandshakeMessage | null = null;
		if (type === HELLO) {
			msg = { type, deviceId: decoding.readVarString(d), ephemeral: decoding.readVarUint8Array(d) };
			if (msg.ephemeral.length !== nacl.box.publicKeyLength || msg.deviceId.length > 64) return null;
		} else if (type === CHALLENGE) {
			msg = {
				type,
				ephemeral: decoding.readVarUint8Array(d),
				challenge: decoding.readVarUint8Array(d),
				signature: decoding.readVarUint8Array(d)
			};
			if (msg.ephemeral.length !== 32 || msg.challenge.length !== 32 || msg.signature.length !== 64) return null;
		} else if (type === AUTH) {
			msg = { type, signature: decoding.readVarUint8Array(d) };
			if (msg.signature.length !== 64) return null;
		}
		if (msg && decoding.hasContent(d)) return null;
		return msg;
	} catch {
		return null;
	}
}

export interface Transcript {
	deviceId: string;
	deviceEphemeral: Uint8Array;
	serverEphemeral: Uint8Array;
	challenge: Uint8Array;
}

function transcriptBytes(role: 'server' | 'device', t: Transcript): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, `${PROTOCOL}/${role}`);
	encoding.writeVarString(e, t.deviceId);
	encoding.writeVarUint8Array(e, t.deviceEphemeral);
	encoding.writeVarUint8Array(e, t.serverEphemeral);
	encoding.writeVarUint8Array(e, t.challenge);
	return encoding.toUint8Array(e);
}

/** Bytes the server signs in CHALLENGE. */
export const serverProofBytes = (t: Transcript) => transcriptBytes('server', t);
/** Bytes the device signs in AUTH. */
export const deviceProofBytes = (t: Transcript) => transcriptBytes('device', t);

export interface SessionKeys {
	deviceToServer: Uint8Array;
	serverToDevice: Uint8Array;
}

/**
 * Both sides compute the same keys: each passes its own secret keys and the peer's public keys.
 */
export function deriveSessionKeys(args: {
	ownEphemeralSecret: Uint8Array;
	peerEphemeralPublic: Uint8Array;
	ownStaticBoxSecret: Uint8Array;
	peerStaticBoxPublic: Uint8Array;
	transcript: Transcript;
}): SessionKeys {
	const ephemeral = nacl.box.before(args.peerEphemeralPublic, args.ownEphemeralSecret);
	const identity = nacl.box.before(args.peerStaticBoxPublic, args.ownStaticBoxSecret);
	return sessionKeysFrom(ephemeral, identity, args.transcript);
}

/**
 * The session keys from the two `nacl.box.before` values (ephemeral, then static), for a side
 * that computes those with another X25519 implementation (the server: node:crypto).
 */
export function sessionKeysFrom(ephemeral: Uint8Array, identity: Uint8Array, transcript: Transcript): SessionKeys {
	const material = nacl.hash(concatBytes(utf8(PROTOCOL), ephemeral, identity, serverProofBytes(transcript)));
	return { deviceToServer: material.slice(0, 32), serverToDevice: material.slice(32, 64) };
}
