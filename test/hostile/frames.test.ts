import fc from 'fast-check';
import nacl from 'tweetnacl';
import * as Y from 'yjs';
import { messageYjsSyncStep1, messageYjsSyncStep2 } from 'y-protocols/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handshakeFrame, MAX_FRAME_BYTES, FRAME_HANDSHAKE } from '#shared/protocol/frame';
import { decodeHandshake, encodeHello, HELLO } from '#shared/protocol/handshake';
import {
	decodeMessage,
	encodeMessage,
	MSG_RECEIPT,
	MSG_REFUSED,
	MSG_SIGNED_SYNC,
	MSG_SYNC,
	MSG_WELCOME
} from '#shared/protocol/messages';
import { updateSigningBytes } from '#shared/protocol/signing';
import { BATCH_EVENTS } from '#shared/index';
import { CLOSE } from '#shared/sync/socket';
import type { MemoryDevice } from '../helpers/memory-device';
import { fuzz, startHostileServer, type Counts, type Hostile } from './harness';
import { HostileClient, type Session } from './hostile-client';

/** Smallest sealed frame: type byte, 24-byte nonce, 16-byte authenticator. */
const MIN_SEALED = 1 + 24 + 16;

/** The close code the server owes a frame sent before the handshake, from its bytes alone. */
function expectedBeforeHandshake(frame: Uint8Array, enrolledId: string): number | 'challenge' {
	if (frame.length > MAX_FRAME_BYTES) return CLOSE.FRAME_TOO_LARGE;
	const msg = frame[0] === FRAME_HANDSHAKE ? decodeHandshake(frame.subarray(1)) : null;
	if (msg?.type !== HELLO) return CLOSE.HANDSHAKE_FAILED;
	return msg.deviceId === enrolledId ? 'challenge' : CLOSE.UNKNOWN_DEVICE;
}

/** The close code the server owes a raw frame on an authenticated connection. */
function expectedAfterHandshake(frame: Uint8Array): number {
	if (frame.length > MAX_FRAME_BYTES) return CLOSE.FRAME_TOO_LARGE;
	// Anything else that is not a sealed frame of the session's key fails to open.
	return frame.length < MIN_SEALED || frame[0] !== 1 ? CLOSE.FRAME_MALFORMED : CLOSE.FRAME_DECRYPT;
}

const flipBit = (bytes: Uint8Array, bit: number) => {
	const out = bytes.slice();
	out[(bit >> 3) % out.length]! ^= 1 << (bit & 7);
	return out;
};

describe('fuzzed frames: each gets its close code, nothing is stored, the server keeps serving', () => {
	let h: Hostile;
	let d: MemoryDevice;
	let base: Counts;
	beforeAll(async () => {
		// The fuzzing opens hundreds of connections from one address; the per-address handshake
		// limit has its own case (handshake.test.ts).
		h = await startHostileServer({ HANDSHAKE_BURST: '100000', HANDSHAKES_PER_SECOND: '100000' });
		d = await h.device();
		base = await h.counts();
	});
	afterEach(async () => {
		expect(await h.counts()).toEqual(base);
		await h.expectServing();
		base = await h.counts();
	});
	afterAll(async () => {
		await h.dispose();
	});

	async function closeCodeBefore(frame: Uint8Array): Promise<number | 'challenge'> {
		const c = await HostileClient.open(h.url);
		c.send(frame);
		const reply = await c.nextFrame();
		if (reply) {
			c.close();
			return 'challenge';
		}
		return (await c.closed).code;
	}

	async function authenticated(): Promise<Session> {
		const c = await HostileClient.open(h.url);
		const s = await c.handshake(d.identity);
		expect((await s!.next())?.type).toBe(MSG_WELCOME);
		return s!;
	}

	/** A real sealed frame carrying a signed update of one dose, as the device would send it. */
	function realUpdateFrame(s: Session): Uint8Array {
		const doc = new Y.Doc();
		doc.getArray(BATCH_EVENTS).push([d.doseEvent()]);
		const batch = d.batchFor();
		const update = Y.encodeStateAsUpdate(doc);
		const signature = nacl.sign.detached(
			updateSigningBytes(batch, d.identity.deviceId, update),
			d.identity.keys.sign.secretKey
		);
		return s.sealed(
			encodeMessage({ type: MSG_SIGNED_SYNC, doc: batch, kind: messageYjsSyncStep2, payload: update, signature })
		);
	}

	const realHello = () =>
		handshakeFrame(encodeHello({ deviceId: d.identity.deviceId, ephemeral: nacl.box.keyPair().publicKey }));

	it('random frames before the handshake', async () => {
		await fuzz(fc.uint8Array({ maxLength: 4096 }), 60, async (frame) => {
			expect(await closeCodeBefore(frame)).toBe(expectedBeforeHandshake(frame, d.identity.deviceId));
		});
	});

	it('truncated and bit-flipped HELLO frames', async () => {
		const hello = realHello();
		await fuzz(fc.integer({ min: 0, max: hello.length - 1 }), 40, async (length) => {
			expect(await closeCodeBefore(hello.subarray(0, length))).toBe(CLOSE.HANDSHAKE_FAILED);
		});
		await fuzz(fc.integer({ min: 0, max: hello.length * 8 - 1 }), 60, async (bit) => {
			const frame = flipBit(hello, bit);
			expect(await closeCodeBefore(frame)).toBe(expectedBeforeHandshake(frame, d.identity.deviceId));
		});
	});

	it('text and oversized frames before the handshake', async () => {
		expect(await closeCodeBefore(new Uint8Array(MAX_FRAME_BYTES + 1))).toBe(CLOSE.FRAME_TOO_LARGE);
		const c = await HostileClient.open(h.url);
		c.send('hello');
		expect((await c.closed).code).toBe(CLOSE.FRAME_MALFORMED);
	});

	it('random frames after the handshake', async () => {
		await fuzz(fc.uint8Array({ maxLength: 4096 }), 60, async (frame) => {
			const s = await authenticated();
			s.client.send(frame);
			expect((await s.client.closed).code).toBe(expectedAfterHandshake(frame));
		});
	});

	it('truncated and bit-flipped sealed frames of a real signed update', async () => {
		await fuzz(fc.tuple(fc.boolean(), fc.nat()), 80, async ([truncate, n]) => {
			const s = await authenticated();
			const real = realUpdateFrame(s);
			const frame = truncate ? real.subarray(0, n % real.length) : flipBit(real, n % (real.length * 8));
			s.client.send(frame);
			expect((await s.client.closed).code).toBe(expectedAfterHandshake(frame));
		});
	});

	it('sealed with the session key, but random plaintext', async () => {
		await fuzz(fc.uint8Array({ maxLength: 2048 }), 60, async (plaintext) => {
			const s = await authenticated();
			s.client.send(s.sealed(plaintext));
			if (!decodeMessage(plaintext)) {
				expect((await s.client.closed).code).toBe(CLOSE.FRAME_MALFORMED);
				return;
			}
			// Random bytes that happen to decode as a message are handled like any other (a
			// refusal, a close, or nothing to answer); a request after it shows the connection
			// is either closed with a protocol code or still answering, in order.
			s.send({ type: MSG_SYNC, doc: d.batchFor(), kind: messageYjsSyncStep1, payload: Uint8Array.of(0) });
			if (await s.next((m) => m.type === MSG_RECEIPT)) s.client.close();
			else expect([CLOSE.FRAME_MALFORMED, CLOSE.PROTOCOL]).toContain((await s.client.closed).code);
		});
	});

	it('oversized, text and handshake frames after the handshake', async () => {
		const big = await authenticated();
		big.client.send(big.sealed(new Uint8Array(MAX_FRAME_BYTES)));
		expect((await big.client.closed).code).toBe(CLOSE.FRAME_TOO_LARGE);
		const text = await authenticated();
		text.client.send('{"type":12}');
		expect((await text.client.closed).code).toBe(CLOSE.FRAME_MALFORMED);
		const again = await authenticated();
		again.client.send(realHello());
		expect((await again.client.closed).code).toBe(CLOSE.FRAME_MALFORMED);
	});

	it('the same real frame, unaltered, is accepted: the cases above fail for their mutation alone', async () => {
		const s = await authenticated();
		s.client.send(realUpdateFrame(s));
		expect((await s.next((m) => m.type === MSG_RECEIPT || m.type === MSG_REFUSED))?.type).toBe(MSG_RECEIPT);
		s.client.close();
		base = await h.counts();
	});
});
