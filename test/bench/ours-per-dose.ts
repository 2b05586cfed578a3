import { messageYjsUpdate } from 'y-protocols/sync';
import { MSG_RECEIPT, MSG_REFUSED, MSG_SIGNED_SYNC } from '#shared/protocol/messages';
import { updateSigningBytes } from '#shared/protocol/signing';
import { ed25519PrivateKey, ed25519Sign } from '../../sync-server/crypto/ed25519';
import { connectRaw } from '../helpers/raw-client';
import { startCpuMeter, type CpuUse } from './cpu-meter';
import type { BatchWorkload } from './peer-workload';

/** A timed run of a server on the peer workload: seconds on the clock, and the CPU used meanwhile. */
export interface PeerRun {
	seconds: number;
	cpu: CpuUse;
}

/**
 * Our server with the peer workload: each update signed and sealed by its device (on the
 * tablet, at recording time, so before the clock), then sent, opened, verified, checked,
 * committed with its projection and receipted. Timed from the first update sent to the last
 * receipt covering every dose.
 */
export async function runOurs(url: string, batches: BatchWorkload[]): Promise<PeerRun> {
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
	// Each frame sealed before the clock too: a tablet seals its frames itself, and the peers'
	// clients also have their messages built before their clocks start. The channel seals into
	// the socket's send, caught here and replayed in order (each nonce is used once).
	const frames = signed.map((b, i) => {
		const ws = clients[i]!.ws;
		const out: Uint8Array[] = [];
		const send = ws.send;
		ws.send = (data: Uint8Array) => void out.push(data);
		b.updates.forEach((payload, j) =>
			clients[i]!.channel.send({
				type: MSG_SIGNED_SYNC,
				doc: b.doc,
				kind: messageYjsUpdate,
				payload,
				signature: b.signatures[j]!
			})
		);
		ws.send = send;
		return out;
	});
	const meter = startCpuMeter();
	const start = performance.now();
	await Promise.all(
		signed.map(async (b, i) => {
			const c = clients[i]!;
			for (const frame of frames[i]!) c.ws.send(frame);
			const last = await c.next(
				(m) => (m.type === MSG_RECEIPT && m.eventCount === b.updates.length) || m.type === MSG_REFUSED
			);
			if (last.type !== MSG_RECEIPT) throw new Error(`refused: ${JSON.stringify(last)}`);
		})
	);
	const seconds = (performance.now() - start) / 1000;
	const cpu = meter();
	for (const c of clients) c.ws.close();
	return { seconds, cpu };
}
