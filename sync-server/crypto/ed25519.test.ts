import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ed25519PrivateKey, ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519';

/**
 * The server signs and verifies with node:crypto, the device with tweetnacl: the server's side
 * must give the very bytes of shared/protocol/test-vectors.json (PROTOCOL.md) too.
 */
const vectors = JSON.parse(
	readFileSync(new URL('../../shared/protocol/test-vectors.json', import.meta.url), 'utf8')
) as {
	keys: Record<'device' | 'server', { signSecret: string; signPublic: string }>;
	handshake: { serverProofBytes: string; challengeSignature: string; deviceProofBytes: string; authSignature: string };
	update: { signingBytes: string; signature: string };
	receipt: { signingBytes: string; signature: string };
	keyChange: { signingBytes: string; signature: string };
};
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Ed25519 through node:crypto, against the protocol test vectors', () => {
	const serverKey = ed25519PrivateKey(bytes(vectors.keys.server.signSecret));
	const deviceKey = ed25519PublicKey(bytes(vectors.keys.device.signPublic));

	it('signs the CHALLENGE, the receipt and the key-change certificate to the recorded signatures', () => {
		expect(hex(ed25519Sign(bytes(vectors.handshake.serverProofBytes), serverKey))).toBe(
			vectors.handshake.challengeSignature
		);
		expect(hex(ed25519Sign(bytes(vectors.receipt.signingBytes), serverKey))).toBe(vectors.receipt.signature);
		expect(hex(ed25519Sign(bytes(vectors.keyChange.signingBytes), serverKey))).toBe(vectors.keyChange.signature);
	});

	it("verifies the device's AUTH and its signed update, and nothing else", () => {
		expect(
			ed25519Verify(bytes(vectors.handshake.deviceProofBytes), bytes(vectors.handshake.authSignature), deviceKey)
		).toBe(true);
		expect(ed25519Verify(bytes(vectors.update.signingBytes), bytes(vectors.update.signature), deviceKey)).toBe(true);
		expect(
			ed25519Verify(bytes(vectors.handshake.serverProofBytes), bytes(vectors.handshake.authSignature), deviceKey)
		).toBe(false);
		expect(
			ed25519Verify(bytes(vectors.update.signingBytes), bytes(vectors.update.signature).subarray(0, 63), deviceKey)
		).toBe(false);
	});
});
