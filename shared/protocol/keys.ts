import nacl from 'tweetnacl';
import { fromB64, toB64 } from './bytes';

/** X25519 box key pair and Ed25519 signing key pair of one party (device or server). */
export interface KeyPairs {
	box: nacl.BoxKeyPair;
	sign: nacl.SignKeyPair;
}

/** Only the public halves, as pinned by the other party. */
export interface PublicKeys {
	box: Uint8Array;
	sign: Uint8Array;
}

export function generateKeyPairs(): KeyPairs {
	return { box: nacl.box.keyPair(), sign: nacl.sign.keyPair() };
}

export interface SerializedKeyPairs {
	boxPublic: string;
	boxSecret: string;
	signPublic: string;
	signSecret: string;
}

export function serializeKeyPairs(k: KeyPairs): SerializedKeyPairs {
	return {
		boxPublic: toB64(k.box.publicKey),
		boxSecret: toB64(k.box.secretKey),
		signPublic: toB64(k.sign.publicKey),
		signSecret: toB64(k.sign.secretKey)
	};
}

export function deserializeKeyPairs(s: SerializedKeyPairs): KeyPairs {
	return {
		box: { publicKey: fromB64(s.boxPublic), secretKey: fromB64(s.boxSecret) },
		sign: { publicKey: fromB64(s.signPublic), secretKey: fromB64(s.signSecret) }
	};
}
