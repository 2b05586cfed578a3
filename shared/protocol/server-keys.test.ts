import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { generateKeyPairs, type KeyPairs, type PublicKeys } from './keys';
import * as decoding from 'lib0/decoding';
import {
	keyChangeSigningBytes,
	KEY_CHANGE_CONTEXT,
	pinsAfterChange,
	verifyKeyChain,
	type KeyCertificate
} from './server-keys';
import { receiptSigningBytes } from './signing';

const pub = (k: KeyPairs): PublicKeys => ({ box: k.box.publicKey, sign: k.sign.publicKey });

/** Generations 1…n of server keys, each after the first certified by the one before (as the server rotates). */
function rotations(n: number): { pairs: KeyPairs[]; chain: KeyCertificate[] } {
	const pairs = Array.from({ length: n }, () => generateKeyPairs());
	const chain = pairs.slice(1).map((k, i) => certify(pairs[i]!, k, i + 2));
	return { pairs, chain };
}

function certify(signer: KeyPairs, next: KeyPairs, generation: number): KeyCertificate {
	const bytes = keyChangeSigningBytes({
		generation,
		previousSign: signer.sign.publicKey,
		box: next.box.publicKey,
		sign: next.sign.publicKey
	});
	return {
		generation,
		box: next.box.publicKey,
		sign: next.sign.publicKey,
		signature: nacl.sign.detached(bytes, signer.sign.secretKey)
	};
}

/** Reads signing bytes back: context, generation and the first byte of each key (filled with one byte). */
function signingBytesOf(bytes: Uint8Array) {
	const d = decoding.createDecoder(bytes);
	const out = {
		context: decoding.readVarString(d),
		generation: decoding.readVarUint(d),
		previousSign: decoding.readVarUint8Array(d)[0],
		box: decoding.readVarUint8Array(d)[0],
		sign: decoding.readVarUint8Array(d)[0]
	};
	expect(decoding.hasContent(d)).toBe(false);
	return out;
}

const flip = (b: Uint8Array, i = 0) => {
	const c = b.slice();
	c[i] = c[i]! ^ 1;
	return c;
};

describe('key-change certificates', () => {
	it('a chain from the trusted key to the newest generation verifies, link by link', () => {
		const { pairs, chain } = rotations(4);
		const check = verifyKeyChain(pub(pairs[0]!), chain);
		expect(check).toEqual({ ok: true, generation: 4, keys: pairs.slice(1).map(pub) });
		// A device that already trusts generation 2 needs only the rest of the chain.
		expect(verifyKeyChain(pub(pairs[1]!), chain.slice(1))).toMatchObject({ ok: true, generation: 4 });
	});

	it('signs well-defined, domain-separated bytes', () => {
		const bytes = keyChangeSigningBytes({
			generation: 2,
			previousSign: new Uint8Array(32).fill(1),
			box: new Uint8Array(32).fill(2),
			sign: new Uint8Array(32).fill(3)
		});
		expect(signingBytesOf(bytes)).toEqual({
			context: KEY_CHANGE_CONTEXT,
			generation: 2,
			previousSign: 1,
			box: 2,
			sign: 3
		});
		expect(bytes.length).toBe(1 + KEY_CHANGE_CONTEXT.length + 1 + 3 * 33);
	});

	it('refuses a tampered certificate: new box key, new sign key, generation or signature changed', () => {
		const { pairs, chain } = rotations(2);
		const c = chain[0]!;
		const trusted = pub(pairs[0]!);
		for (const tampered of [
			{ ...c, box: flip(c.box) },
			{ ...c, sign: flip(c.sign) },
			{ ...c, generation: 3 },
			{ ...c, signature: flip(c.signature, 10) }
		]) {
			expect(verifyKeyChain(trusted, [tampered])).toEqual({
				ok: false,
				reason: expect.stringContaining('not signed by the server key this device trusts')
			});
		}
	});

	it('refuses a certificate signed by a key the device does not trust', () => {
		const { pairs } = rotations(1);
		const stranger = generateKeyPairs();
		const forged = certify(stranger, generateKeyPairs(), 2);
		expect(verifyKeyChain(pub(pairs[0]!), [forged])).toMatchObject({
			ok: false,
			reason: 'generation 2 is not signed by the server key this device trusts'
		});
		// Nor one that is a valid link further down someone else's chain.
		const other = rotations(3);
		expect(verifyKeyChain(pub(pairs[0]!), other.chain)).toMatchObject({ ok: false });
		// A later link signed by a stranger breaks the chain there, even after a good first link.
		const { pairs: ours, chain } = rotations(2);
		expect(verifyKeyChain(pub(ours[0]!), [chain[0]!, certify(stranger, generateKeyPairs(), 3)])).toMatchObject({
			ok: false,
			reason: 'generation 3 is not signed by generation 2'
		});
	});

	it('refuses links out of order, a skipped or repeated generation, and an empty chain', () => {
		const { pairs, chain } = rotations(4);
		const trusted = pub(pairs[0]!);
		expect(verifyKeyChain(trusted, [chain[1]!, chain[0]!, chain[2]!])).toMatchObject({ ok: false });
		expect(verifyKeyChain(trusted, [chain[0]!, chain[2]!, chain[1]!])).toMatchObject({
			ok: false,
			reason: expect.stringContaining('does not follow 2')
		});
		expect(verifyKeyChain(trusted, [chain[0]!, chain[0]!])).toMatchObject({ ok: false });
		// Skipping generation 3: 4 is signed by 3, which the device never saw certified.
		expect(verifyKeyChain(pub(pairs[1]!), [chain[2]!])).toMatchObject({ ok: false });
		expect(verifyKeyChain(trusted, [])).toEqual({ ok: false, reason: 'the key change carries no certificate' });
		expect(verifyKeyChain(trusted, [{ ...chain[0]!, generation: 1 }])).toMatchObject({
			ok: false,
			reason: expect.stringContaining('not a key change')
		});
	});

	it('refuses a certificate that re-signs the signer itself', () => {
		const k = generateKeyPairs();
		expect(verifyKeyChain(pub(k), [certify(k, k, 2)])).toMatchObject({
			ok: false,
			reason: expect.stringContaining('repeats the key')
		});
	});

	it('is not fooled by another signature of the same key (a receipt) presented as a certificate', () => {
		const { pairs } = rotations(1);
		const next = generateKeyPairs();
		// Whatever the server signs elsewhere cannot stand for a certificate: different bytes.
		const receipt = nacl.sign.detached(receiptSigningBytes('doc', next.sign.publicKey, 2), pairs[0]!.sign.secretKey);
		expect(
			verifyKeyChain(pub(pairs[0]!), [
				{ generation: 2, box: next.box.publicKey, sign: next.sign.publicKey, signature: receipt }
			])
		).toMatchObject({ ok: false });
	});

	it('keeps the keys accepted before, newest first, without repeats', () => {
		const { pairs, chain } = rotations(4);
		const g1 = pub(pairs[0]!);
		const check = verifyKeyChain(g1, chain);
		if (!check.ok) throw new Error(check.reason);
		const pins = pinsAfterChange({ current: g1, generation: null, earlier: [] }, g1, check);
		expect(pins).toEqual({ current: pub(pairs[3]!), generation: 4, earlier: [pub(pairs[2]!), pub(pairs[1]!), g1] });
		// The same change again (its acknowledgement was lost): nothing doubles.
		expect(pinsAfterChange(pins, g1, check)).toEqual(pins);
	});
});
