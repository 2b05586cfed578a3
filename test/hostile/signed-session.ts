import nacl from 'tweetnacl';
import { messageYjsSyncStep2 } from 'y-protocols/sync';
import { expect } from 'vitest';
import { MSG_RECEIPT, MSG_REFUSED, MSG_SIGNED_SYNC, MSG_WELCOME, type AppMessage } from '#shared/protocol/messages';
import { updateSigningBytes } from '#shared/protocol/signing';
import type { MemoryDevice } from '../helpers/memory-device';
import { HostileClient, type Session } from './hostile-client';

/** An authenticated session of the device, welcomed. */
export async function sessionOf(url: string, d: MemoryDevice): Promise<Session> {
	const c = await HostileClient.open(url);
	const s = await c.handshake(d.identity);
	expect((await s!.next((m) => m.type === MSG_WELCOME))?.type).toBe(MSG_WELCOME);
	return s!;
}

/** The device's signature over an update of a document, as the protocol defines it. */
export const signUpdate = (d: MemoryDevice, doc: string, update: Uint8Array, deviceId = d.identity.deviceId) =>
	nacl.sign.detached(updateSigningBytes(doc, deviceId, update), d.identity.keys.sign.secretKey);

/** Sends a signed update and returns the server's answer to it: a receipt or a refusal. */
export async function sendSigned(
	s: Session,
	doc: string,
	update: Uint8Array,
	signature: Uint8Array
): Promise<AppMessage> {
	s.send({ type: MSG_SIGNED_SYNC, doc, kind: messageYjsSyncStep2, payload: update, signature });
	const reply = await s.next((m) => m.type === MSG_RECEIPT || m.type === MSG_REFUSED);
	if (!reply) throw new Error(`connection closed: ${JSON.stringify(await s.client.closed)}`);
	return reply;
}

export const outcome = (m: AppMessage) =>
	m.type === MSG_REFUSED ? m.code : m.type === MSG_RECEIPT ? 'RECEIPT' : `unexpected ${m.type}`;
