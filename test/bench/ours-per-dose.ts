import { messageYjsUpdate } from 'y-protocols/sync';
import { MSG_RECEIPT, MSG_REFUSED, MSG_SIGNED_SYNC } from '#shared/protocol/messages';
import { updateSigningBytes } from '#shared/protocol/signing';
import { ed25519PrivateKey, ed25519Sign } from '../../sync-server/crypto/ed25519';
import { connectRaw } from '../helpers/raw-client';
import type { BatchWorkload } from './peer-workload';

/**
 * Our server with the peer workload: each update signed by its device (on the tablet, at
 * recording time, so before the clock), then sealed, sent, verified, checked, committed with
 * its projection and receipted. Returns seconds from the first update sent to the last
 * receipt covering every dose.
 */
export async function runOurs(url: string, batches: BatchWorkload[]): Promise<number> {
	// Ed25519 signatures are deterministic: node:crypto makes the bytes tweetnacl would, in a
	// fraction of the time (5,000 of them would otherwise take half a minute of setup).
	const signed = batches.map((b) => {
		const key = ed25519PrivateKey(b.device.identity.keys.sign.secretKey);
		return {
			...b,
			signatures: b.updates.map((u) => ed25519Sign(updateSigningBytes(b.doc, b.device.identity.deviceId, u), key))
		};
	});
	const clients = await Promise.all(signed.map((b) => connectRaw(url, b.device.identity)));
	const start = performance.now();
	await Promise.all(
		signed.map(async (b, i) => {
			const c = clients[i]!;
			b.updates.forEach((payload, j) =>
				c.channel.send({
					type: MSG_SIGNED_SYNC,
					doc: b.doc,
					kind: messageYjsUpdate,
					payload,
					signature: b.signatures[j]!
				})
			);
			const last = await c.next(
				(m) => (m.type === MSG_RECEIPT && m.eventCount === b.updates.length) || m.type === MSG_REFUSED
			);
			if (last.type !== MSG_RECEIPT) throw new Error(`refused: ${JSON.stringify(last)}`);
		})
	);
	const seconds = (performance.now() - start) / 1000;
	for (const c of clients) c.ws.close();
	return seconds;
}
