// The thread that checks device signatures for SignatureVerifier (signature-verifier.ts). Plain
// JavaScript on node:crypto alone, like pglite-worker.mjs: it needs no loader.
import { createPublicKey, verify } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** Public keys already turned into KeyObjects, by their hex; bounded (a device's key repeats). */
const keys = new Map();
const MAX_KEYS = 10_000;

function keyOf(raw) {
	const hex = Buffer.from(raw).toString('hex');
	let key = keys.get(hex);
	if (!key) {
		if (keys.size >= MAX_KEYS) keys.clear();
		key = createPublicKey({
			key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
			format: 'jwk'
		});
		keys.set(hex, key);
	}
	return key;
}

// A batch is one buffer, handed over without a copy: per job, the data's length (uint32, little
// endian), the data, the 64-byte signature and the 32-byte public key (see SignatureVerifier).
parentPort.on('message', ({ batch, count, packed }) => {
	const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
	const results = new Uint8Array(count);
	let at = 0;
	for (let i = 0; i < count; i++) {
		const length = view.getUint32(at, true);
		const data = packed.subarray(at + 4, at + 4 + length);
		const signature = packed.subarray(at + 4 + length, at + 4 + length + 64);
		const publicKey = packed.subarray(at + 4 + length + 64, at + 4 + length + 96);
		at += 4 + length + 96;
		try {
			results[i] = verify(null, data, keyOf(publicKey), signature) ? 1 : 0;
		} catch {
			results[i] = 0; // a key that is no Ed25519 point verifies nothing
		}
	}
	parentPort.postMessage({ batch, results }, [results.buffer]);
});
