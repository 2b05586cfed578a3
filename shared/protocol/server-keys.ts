import nacl from 'tweetnacl';
import * as encoding from 'lib0/encoding';
import { bytesEqual } from './bytes';
import type { PublicKeys } from './keys';

/**
 * Server key rotation. The server's key pairs come in generations (1 at the first start, one more
 * at each `npm run admin -- rotate-server-keys`). Each generation after the first carries a
 * key-change certificate: the previous generation's Ed25519 key signs the new generation's
 * number and public keys. A device that pinned generation g follows the certificates g+1 … n one
 * link at a time, each checked against the key it already trusts, and pins generation n; it never
 * trusts a key that no key it trusted has signed.
 *
 * Signed bytes (lib0 encoding, length-prefixed, so no two different certificates share bytes):
 *
 *   varString  "vacc-server-key-change-v1"   domain separation: no receipt, update or handshake
 *                                            signature can be presented as a certificate
 *   varUint    generation                    of the new keys (2, 3, …)
 *   varBytes   previous generation's Ed25519 public key (the signer)
 *   varBytes   new X25519 box public key (32 bytes)
 *   varBytes   new Ed25519 sign public key (32 bytes)
 *
 * The whole exchange (MSG_SERVER_KEYS, MSG_SERVER_KEYS_ACK) is written down in PROTOCOL.md §8.
 */
export const KEY_CHANGE_CONTEXT = 'vacc-server-key-change-v1';

/** More links than any deployment rotates through between two contacts of one device. */
export const MAX_KEY_CHAIN = 64;

export interface KeyCertificate {
	generation: number;
	box: Uint8Array;
	sign: Uint8Array;
	/** Ed25519 signature by the previous generation's sign key over keyChangeSigningBytes. */
	signature: Uint8Array;
}

export function keyChangeSigningBytes(c: {
	generation: number;
	previousSign: Uint8Array;
	box: Uint8Array;
	sign: Uint8Array;
}): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, KEY_CHANGE_CONTEXT);
	encoding.writeVarUint(e, c.generation);
	encoding.writeVarUint8Array(e, c.previousSign);
	encoding.writeVarUint8Array(e, c.box);
	encoding.writeVarUint8Array(e, c.sign);
	return encoding.toUint8Array(e);
}

export type KeyChainCheck =
	| {
			ok: true;
			/** Generation of the last certificate: the keys to pin now. */
			generation: number;
			/** The keys of every certificate, oldest first; the last is the one to pin. */
			keys: PublicKeys[];
	  }
	| { ok: false; reason: string };

type Verify = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean;

/**
 * Follows a chain of key-change certificates from the keys the device trusts (those that proved
 * the current connection). Every link must be signed by the key before it, generations must
 * count up by one, and keys must have their sizes; anything else refuses the whole chain.
 */
export function verifyKeyChain(
	trusted: PublicKeys,
	chain: readonly KeyCertificate[],
	verify: Verify = nacl.sign.detached.verify
): KeyChainCheck {
	if (chain.length === 0) return { ok: false, reason: 'the key change carries no certificate' };
	if (chain.length > MAX_KEY_CHAIN)
		return { ok: false, reason: `the key change carries ${chain.length} certificates, more than ${MAX_KEY_CHAIN}` };
	let signer = trusted.sign;
	let previous: number | null = null;
	const keys: PublicKeys[] = [];
	for (const [i, c] of chain.entries()) {
		if (!Number.isSafeInteger(c.generation) || c.generation < 2)
			return { ok: false, reason: `certificate ${i + 1}: generation ${c.generation} is not a key change` };
		if (previous !== null && c.generation !== previous + 1) {
			return { ok: false, reason: `certificate ${i + 1}: generation ${c.generation} does not follow ${previous}` };
		}
		if (
			c.box.length !== nacl.box.publicKeyLength ||
			c.sign.length !== nacl.sign.publicKeyLength ||
			c.signature.length !== nacl.sign.signatureLength
		) {
			return { ok: false, reason: `certificate ${i + 1}: a key or the signature has the wrong length` };
		}
		const bytes = keyChangeSigningBytes({ generation: c.generation, previousSign: signer, box: c.box, sign: c.sign });
		if (!verify(bytes, c.signature, signer)) {
			return {
				ok: false,
				reason:
					i === 0
						? `generation ${c.generation} is not signed by the server key this device trusts`
						: `generation ${c.generation} is not signed by generation ${previous}`
			};
		}
		if (bytesEqual(c.sign, signer))
			return { ok: false, reason: `certificate ${i + 1}: generation ${c.generation} repeats the key that signed it` };
		keys.push({ box: c.box, sign: c.sign });
		signer = c.sign;
		previous = c.generation;
	}
	return { ok: true, generation: previous!, keys };
}

/** Server keys a device trusts: the newest it accepted, and those it accepted before. */
export interface ServerKeyPins {
	/** The keys to expect first (pinned at enrolment, replaced by each accepted key change). */
	current: PublicKeys;
	/** Generation of `current` when learnt from a key change; null for the keys of the enrolment code. */
	generation: number | null;
	/**
	 * Keys accepted before `current`, newest first. A CHALLENGE signed by one of them is still
	 * accepted: the server moves a device to new keys only once the device's acknowledgement has
	 * reached it, and if that was lost the server still speaks the older generation (and offers
	 * the change again). Once the server has proved itself with `current`, it has recorded the
	 * change, and these are dropped: a device then no longer trusts a retired key.
	 */
	earlier: PublicKeys[];
}

/** Earlier keys kept at most (far more than a device goes through between two contacts). */
export const MAX_EARLIER_PINS = 16;

export const sameServerKeys = (a: PublicKeys, b: PublicKeys) => bytesEqual(a.box, b.box) && bytesEqual(a.sign, b.sign);

/** The pins after accepting a verified chain that started at `provedBy` (one of the pinned keys). */
export function pinsAfterChange(
	pins: ServerKeyPins,
	provedBy: PublicKeys,
	check: Extract<KeyChainCheck, { ok: true }>
): ServerKeyPins {
	const current = check.keys[check.keys.length - 1]!;
	const older = [...check.keys.slice(0, -1).reverse(), provedBy, pins.current, ...pins.earlier];
	const earlier: PublicKeys[] = [];
	for (const k of older) if (!sameServerKeys(k, current) && !earlier.some((e) => sameServerKeys(e, k))) earlier.push(k);
	return { current, generation: check.generation, earlier: earlier.slice(0, MAX_EARLIER_PINS) };
}

/** The pinned keys in the order a CHALLENGE is tried against them: newest first. */
export const pinnedKeys = (pins: ServerKeyPins): PublicKeys[] => [pins.current, ...pins.earlier];
