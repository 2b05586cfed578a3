import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { boxBefore, x25519KeyPair, x25519PrivateKey } from './x25519';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('X25519 through node:crypto', () => {
	it("gives tweetnacl's box.before for random key pairs, both ways", () => {
		for (let i = 0; i < 20; i++) {
			const a = nacl.box.keyPair();
			const b = nacl.box.keyPair();
			expect(hex(boxBefore(b.publicKey, x25519PrivateKey(a.secretKey)))).toBe(
				hex(nacl.box.before(b.publicKey, a.secretKey))
			);
		}
	});

	it('makes ephemeral pairs whose public key tweetnacl agrees with', () => {
		const server = x25519KeyPair();
		const device = nacl.box.keyPair();
		expect(hex(boxBefore(device.publicKey, server.secretKey))).toBe(
			hex(nacl.box.before(server.publicKey, device.secretKey))
		);
	});

	it('reproduces the ephemeral shared key of the protocol test vectors (PROTOCOL.md §12)', () => {
		const deviceEphemeral = nacl.box.keyPair.fromSecretKey(Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i));
		const serverEphemeralSecret = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
		expect(hex(boxBefore(deviceEphemeral.publicKey, x25519PrivateKey(serverEphemeralSecret)))).toBe(
			'bf0116c37e7622291a685caf4b2185858f24c9729b21418cf8adaa2ee8a3b1ad'
		);
	});

	it('refuses a peer key of small order instead of deriving a known key', () => {
		expect(() => boxBefore(new Uint8Array(32), x25519KeyPair().secretKey)).toThrow();
	});
});
