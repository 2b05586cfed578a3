import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SEALED, SealError, Sealer } from './sealer';

describe('sealing with the key file', () => {
	const sealer = new Sealer(randomBytes(32));
	const secret = new Uint8Array(randomBytes(96));

	it('opens what it sealed, for the same purpose only', () => {
		const sealed = sealer.seal(secret, 'a/1');
		expect(sealer.open(sealed, 'a/1')).toEqual(secret);
		expect(() => sealer.open(sealed, 'a/2')).toThrow(SealError);
		expect(sealer.openText(sealer.sealText('JBSWY3DPEHPK3PXP', SEALED.totp('u1')), SEALED.totp('u1'))).toBe(
			'JBSWY3DPEHPK3PXP'
		);
		expect(() => sealer.open(sealer.sealText('JBSWY3DPEHPK3PXP', SEALED.totp('u1')), SEALED.totp('u2'))).toThrow(
			/does not open/
		);
	});

	it('never seals the same value to the same bytes, and the plaintext is not in them', () => {
		const a = sealer.seal(secret, 'p');
		const b = sealer.seal(secret, 'p');
		expect(a).not.toEqual(b);
		expect(Buffer.from(a).includes(Buffer.from(secret.subarray(0, 8)))).toBe(false);
		expect(a).toHaveLength(1 + 12 + 96 + 16);
	});

	it('refuses another key file, and any changed byte', () => {
		const sealed = sealer.seal(secret, 'p');
		expect(() => new Sealer(randomBytes(32)).open(sealed, 'p')).toThrow(SealError);
		for (const i of [0, 1, 13, sealed.length - 1]) {
			const tampered = sealed.slice();
			tampered[i] = tampered[i]! ^ 1;
			expect(() => sealer.open(tampered, 'p'), `byte ${i}`).toThrow(SealError);
		}
		expect(() => sealer.open(sealed.subarray(0, 20), 'p')).toThrow(/malformed/);
	});

	it('binds server keys to their generation and public keys', () => {
		const box = new Uint8Array(32).fill(1);
		const sign = new Uint8Array(32).fill(2);
		expect(SEALED.serverKeys(2, box, sign)).not.toBe(SEALED.serverKeys(3, box, sign));
		expect(SEALED.serverKeys(2, box, sign)).not.toBe(SEALED.serverKeys(2, sign, box));
	});
});
