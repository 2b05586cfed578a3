import type { KeyObject } from 'node:crypto';
import type { DeviceCrypto } from '#shared/sync/device-channel';
import { ed25519PrivateKey, ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../sync-server/crypto/ed25519';
import { boxBefore, x25519KeyPair, x25519PrivateKey } from '../../sync-server/crypto/x25519';

/** Each raw key turned into a node:crypto key once (a device reconnects with the same keys). */
function cached(make: (raw: Uint8Array) => KeyObject): (raw: Uint8Array) => KeyObject {
	const keys = new WeakMap<Uint8Array, KeyObject>();
	return (raw) => {
		let key = keys.get(raw);
		if (!key) keys.set(raw, (key = make(raw)));
		return key;
	};
}

const boxSecret = cached(x25519PrivateKey);
const signSecret = cached(ed25519PrivateKey);
const signPublic = cached(ed25519PublicKey);

/**
 * A device's crypto (handshake, update signatures, receipt checks) through node:crypto, for
 * simulated devices (the storm and ingest benches, sync-live tests): the same bytes as
 * tweetnacl's, so the server cannot tell, and the simulator's own crypto no longer dominates
 * what is measured.
 */
export const NODE_DEVICE_CRYPTO: DeviceCrypto = {
	ephemeral() {
		const pair = x25519KeyPair();
		return { publicKey: pair.publicKey, before: (peer) => boxBefore(peer, pair.secretKey) };
	},
	before: (peer, own) => boxBefore(peer, boxSecret(own)),
	sign: (data, secretKey) => ed25519Sign(data, signSecret(secretKey)),
	verify: (data, signature, publicKey) => ed25519Verify(data, signature, signPublic(publicKey))
};
