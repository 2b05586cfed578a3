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

parentPort.on('message', ({ batch, jobs }) => {
	const results = new Uint8Array(jobs.length);
	for (let i = 0; i < jobs.length; i++) {
		const { data, signature, publicKey } = jobs[i];
		try {
			results[i] = signature.length === 64 && verify(null, data, keyOf(publicKey), signature) ? 1 : 0;
		} catch {
			results[i] = 0; // a key that is no Ed25519 point verifies nothing
		}
	}
	parentPort.postMessage({ batch, results }, [results.buffer]);
});
