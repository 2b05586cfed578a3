import nacl from 'tweetnacl';
import { concatBytes, toHex } from './bytes';

/**
 * Wire frames. A frame is one binary WebSocket message: the first byte says whether it is a
 * plaintext handshake frame or a sealed (secretbox, random 24-byte nonce) application frame.
 * Written down, with test vectors, in PROTOCOL.md (§4).
 */
export const FRAME_HANDSHAKE = 0;
export const FRAME_SEALED = 1;

/** Largest frame either side accepts; the server closes the connection on anything bigger. */
export const MAX_FRAME_BYTES = 1024 * 1024;

export function handshakeFrame(payload: Uint8Array): Uint8Array {
	return concatBytes(Uint8Array.of(FRAME_HANDSHAKE), payload);
}

/**
 * Random nonces drawn a thousand at a time: the system's random source costs about as much for
 * 24 bytes as for 24 KB, and a device or server seals a frame per dose and per receipt. Each
 * nonce is random and used once, as before; only the draw is shared.
 */
const NONCES_PER_DRAW = 1024;
const nonces: { pool: Uint8Array; at: number } = { pool: new Uint8Array(0), at: 0 };

function freshNonce(): Uint8Array {
	const length = nacl.secretbox.nonceLength;
	if (nonces.at + length > nonces.pool.length) {
		nonces.pool = nacl.randomBytes(length * NONCES_PER_DRAW);
		nonces.at = 0;
	}
	const nonce = nonces.pool.slice(nonces.at, nonces.at + length);
	nonces.at += length;
	return nonce;
}

export function sealFrame(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
	const nonce = freshNonce();
	return concatBytes(Uint8Array.of(FRAME_SEALED), nonce, nacl.secretbox(plaintext, nonce, key));
}

export type OpenResult =
	{ ok: true; plaintext: Uint8Array } | { ok: false; reason: 'MALFORMED' | 'DECRYPT' | 'REPLAY' | 'EXHAUSTED' };

/**
 * Frames one direction of one connection may carry. Replay detection remembers every nonce of
 * the connection, so the memory it takes is capped here; a device reconnects (new keys, new
 * set) long before a real day's sync comes near it.
 */
export const MAX_FRAMES_PER_CONNECTION = 100_000;

/**
 * Opens sealed frames of one direction of one connection and refuses a nonce seen before, so a
 * captured frame cannot be replayed into the same session (other sessions have other keys).
 */
export class FrameOpener {
	private readonly seen = new Set<string>();
	constructor(
		private readonly key: Uint8Array,
		private readonly maxFrames = MAX_FRAMES_PER_CONNECTION
	) {}

	open(frame: Uint8Array): OpenResult {
		if (this.seen.size >= this.maxFrames) return { ok: false, reason: 'EXHAUSTED' };
		if (frame.length < 1 + nacl.secretbox.nonceLength + nacl.secretbox.overheadLength || frame[0] !== FRAME_SEALED) {
			return { ok: false, reason: 'MALFORMED' };
		}
		const nonce = frame.subarray(1, 1 + nacl.secretbox.nonceLength);
		const plaintext = nacl.secretbox.open(frame.subarray(1 + nacl.secretbox.nonceLength), nonce, this.key);
		if (!plaintext) return { ok: false, reason: 'DECRYPT' };
		const id = toHex(nonce);
		if (this.seen.has(id)) return { ok: false, reason: 'REPLAY' };
		this.seen.add(id);
		return { ok: true, plaintext };
	}
}
