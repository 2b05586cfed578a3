import fc from 'fast-check';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { FrameOpener, sealFrame } from './frame';

describe('sealed frames', () => {
	const key = nacl.randomBytes(32);

	it('round-trips any payload', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 2048 }), (payload) => {
				const opened = new FrameOpener(key).open(sealFrame(key, payload));
				expect(opened).toEqual({ ok: true, plaintext: payload });
			})
		);
	});

	it('never repeats a nonce, across draws of the nonce pool', () => {
		// More frames than one draw holds (1,024 nonces): every nonce is new, the pool's refills included.
		const seen = new Set<string>();
		for (let i = 0; i < 3000; i++) seen.add(toHex(sealFrame(key, Uint8Array.of(i & 0xff)).subarray(1, 25)));
		expect(seen.size).toBe(3000);
	});

	it('refuses a repeated nonce on the same connection', () => {
		const opener = new FrameOpener(key);
		const frame = sealFrame(key, Uint8Array.of(1, 2, 3));
		expect(opener.open(frame).ok).toBe(true);
		expect(opener.open(frame)).toEqual({ ok: false, reason: 'REPLAY' });
	});

	it('refuses any flipped bit, another key, and truncated or unsealed frames', () => {
		const frame = sealFrame(key, Uint8Array.of(1, 2, 3, 4));
		fc.assert(
			fc.property(fc.integer({ min: 1, max: frame.length * 8 - 1 }), (bit) => {
				const copy = frame.slice();
				copy[bit >> 3]! ^= 1 << (bit & 7);
				expect(new FrameOpener(key).open(copy).ok).toBe(false);
			})
		);
		expect(new FrameOpener(nacl.randomBytes(32)).open(frame)).toEqual({ ok: false, reason: 'DECRYPT' });
		expect(new FrameOpener(key).open(frame.subarray(0, 30))).toEqual({ ok: false, reason: 'MALFORMED' });
		expect(new FrameOpener(key).open(Uint8Array.of(0, ...frame.subarray(1)))).toEqual({
			ok: false,
			reason: 'MALFORMED'
		});
	});

	it('caps the frames of one connection, so replay memory stays bounded', () => {
		const opener = new FrameOpener(key, 3);
		for (let i = 0; i < 3; i++) expect(opener.open(sealFrame(key, Uint8Array.of(i))).ok).toBe(true);
		expect(opener.open(sealFrame(key, Uint8Array.of(9)))).toEqual({ ok: false, reason: 'EXHAUSTED' });
	});
});
