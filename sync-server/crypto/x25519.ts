import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';

/**
 * X25519 through node:crypto (OpenSSL), 17–30× faster than tweetnacl's JavaScript, for the
 * server's side of the handshake. `boxBefore` gives exactly tweetnacl's `nacl.box.before`
 * (crypto_box_beforenm): the X25519 shared point, then HSalsa20 under a zero nonce, which is
 * cheap and comes from tweetnacl's low-level exports. Keys in the raw 32-byte form.
 */
// DER headers of an X25519 private key (PKCS #8) and public key (SPKI), before the 32 raw bytes.
const PKCS8_HEX = '302e020100300506032b656e04220420';
const SPKI_HEX = '302a300506032b656e032100';
const PKCS8_PREFIX = Buffer.from(PKCS8_HEX, 'hex');
const SPKI_PREFIX = Buffer.from(SPKI_HEX, 'hex');
const SIGMA = new Uint8Array(Buffer.from('expand 32-byte k', 'latin1'));
const ZERO_NONCE = new Uint8Array(16);

interface LowLevel {
	crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, constant: Uint8Array): number;
}
const lowlevel = (nacl as unknown as { lowlevel: LowLevel }).lowlevel;

export function x25519PrivateKey(raw: Uint8Array): KeyObject {
	if (raw.length !== 32) throw new Error('X25519 secret key must be 32 bytes');
	return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

/** A fresh ephemeral pair: the public key raw, the secret as a KeyObject. */
export function x25519KeyPair(): { publicKey: Uint8Array; secretKey: KeyObject } {
	const { publicKey, privateKey } = generateKeyPairSync('x25519');
	return {
		publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length)),
		secretKey: privateKey
	};
}

/**
 * `nacl.box.before(peerPublic, own)`. Throws on a peer key of small order (OpenSSL refuses the
 * all-zero shared secret it gives); the caller treats that as a failed handshake.
 */
export function boxBefore(peerPublic: Uint8Array, own: KeyObject): Uint8Array {
	if (peerPublic.length !== 32) throw new Error('X25519 public key must be 32 bytes');
	const point = diffieHellman({
		privateKey: own,
		publicKey: createPublicKey({ key: Buffer.concat([SPKI_PREFIX, peerPublic]), format: 'der', type: 'spki' })
	});
	const out = new Uint8Array(32);
	lowlevel.crypto_core_hsalsa20(out, ZERO_NONCE, new Uint8Array(point), SIGMA);
	return out;
}
