import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 through node:crypto (OpenSSL), which verifies device signatures about 70× faster
 * than tweetnacl's JavaScript. Keys are made by tweetnacl on the device; these helpers take
 * its raw formats: 32-byte public keys and 64-byte (seed ‖ public) secret keys.
 */
const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
	if (raw.length !== 32) throw new Error('Ed25519 public key must be 32 bytes');
	return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });
}

export function ed25519PrivateKey(naclSecret: Uint8Array): KeyObject {
	if (naclSecret.length !== 64) throw new Error('Ed25519 secret key must be 64 bytes');
	return createPrivateKey({
		key: { kty: 'OKP', crv: 'Ed25519', d: b64url(naclSecret.subarray(0, 32)), x: b64url(naclSecret.subarray(32)) },
		format: 'jwk'
	});
}

export function ed25519Verify(data: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
	if (signature.length !== 64) return false;
	return verify(null, data, key, signature);
}

export function ed25519Sign(data: Uint8Array, key: KeyObject): Uint8Array {
	return new Uint8Array(sign(null, data, key));
}
