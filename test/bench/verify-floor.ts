import type { KeyObject } from 'node:crypto';
import { updateSigningBytes } from '#shared/protocol/signing';
import { ed25519PrivateKey, ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../sync-server/crypto/ed25519';
import type { BatchWorkload } from './peer-workload';

/**
 * How many device signatures one core checks per second, with the server's own call
 * (node:crypto, OpenSSL) over the peer workload's real signed bytes. Every live dose is an
 * update its tablet signed, and the server checks each signature before the dose can touch the
 * ledger (DESIGN §3); the peers check none. The line's name says "floor": the sixth round took
 * it for the limit under `peer_ours_*`; the seventh measured ours with the check switched off
 * and found it about a tenth of ours' time, since it runs on a thread of its own beside the
 * event loop (test/bench/HISTORY.md, seventh round). The name stays, as every line's.
 */
export function ed25519VerifiesPerSecond(batches: readonly BatchWorkload[], count = 2000): number {
	// The first `count` updates, taken across the devices, each signed by its own device.
	const jobs: { data: Uint8Array; signature: Uint8Array; publicKey: KeyObject }[] = [];
	for (const b of batches) {
		const key = ed25519PrivateKey(b.device.identity.keys.sign.secretKey);
		const publicKey = ed25519PublicKey(b.device.identity.keys.sign.publicKey);
		for (const u of b.updates.slice(0, count - jobs.length)) {
			const data = updateSigningBytes(b.doc, b.device.identity.deviceId, u);
			jobs.push({ data, signature: ed25519Sign(data, key), publicKey });
		}
		if (jobs.length >= count) break;
	}
	if (jobs.length === 0) throw new Error('no signed updates to verify');
	const run = (n: number) => {
		for (let i = 0; i < n; i++) {
			const j = jobs[i % jobs.length]!;
			if (!ed25519Verify(j.data, j.signature, j.publicKey))
				throw new Error('a signature of the workload does not verify');
		}
	};
	run(Math.min(count, 200)); // untimed: OpenSSL's first calls set up its tables
	const start = performance.now();
	run(count);
	return count / ((performance.now() - start) / 1000);
}
