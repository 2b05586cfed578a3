import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SignatureVerifier } from './signature-verifier';

const vectors = JSON.parse(
	readFileSync(new URL('../../shared/protocol/test-vectors.json', import.meta.url), 'utf8')
) as {
	keys: Record<'device' | 'server', { signPublic: string }>;
	update: { signingBytes: string; signature: string };
	receipt: { signingBytes: string };
};
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const data = bytes(vectors.update.signingBytes);
const signature = bytes(vectors.update.signature);
const device = bytes(vectors.keys.device.signPublic);
const server = bytes(vectors.keys.server.signPublic);

/** Five checks with known answers: the vector, then four that must fail. */
const cases = () => [
	{ data, signature, key: device, ok: true },
	{ data: bytes(vectors.receipt.signingBytes), signature, key: device, ok: false },
	{ data, signature, key: server, ok: false },
	{ data, signature: signature.subarray(0, 63), key: device, ok: false },
	{ data, signature, key: new Uint8Array(32).fill(0xff), ok: false }
];

/** Enough checks in one turn of the event loop to go to the thread (fewer stay on the main thread). */
const many = () => Array.from({ length: 4 }, cases).flat();

const verifiers: SignatureVerifier[] = [];
const make = (inline = false) => {
	const v = new SignatureVerifier(inline);
	verifiers.push(v);
	return v;
};
afterEach(async () => {
	for (const v of verifiers.splice(0)) await v.close();
});

describe('SignatureVerifier: device signatures on a thread of their own', () => {
	it.each([
		['on its thread', false],
		['on the main thread', true]
	])('gives the protocol vector’s answers %s, many in one batch', async (_, inline) => {
		const v = make(inline);
		const all = Array.from({ length: 40 }, cases).flat();
		const answers = await Promise.all(all.map((c) => v.verify(c.data, c.signature, c.key)));
		expect(answers).toEqual(all.map((c) => c.ok));
	});

	it('checks on the main thread what its thread held when the thread died, then starts another', async () => {
		const v = make();
		const first = many().map((c) => v.verify(c.data, c.signature, c.key));
		// The batch is posted at the next turn of the event loop; the thread dies right after.
		await new Promise((r) => setImmediate(r));
		await (v as unknown as { worker: Worker }).worker.terminate();
		expect(await Promise.all(first)).toEqual(many().map((c) => c.ok));
		expect(await Promise.all(many().map((c) => v.verify(c.data, c.signature, c.key)))).toEqual(many().map((c) => c.ok));
		expect((v as unknown as { worker: Worker | null }).worker).not.toBeNull();
	});

	it('answers what is still waiting when closed, and everything after on the main thread', async () => {
		const v = make();
		const waiting = many().map((c) => v.verify(c.data, c.signature, c.key));
		await v.close();
		expect(await Promise.all(waiting)).toEqual(many().map((c) => c.ok));
		expect(await v.verify(data, signature, device)).toBe(true);
	});

	it('checks a few signatures on the main thread without starting its thread', async () => {
		const v = make();
		expect(await Promise.all(cases().map((c) => v.verify(c.data, c.signature, c.key)))).toEqual(
			cases().map((c) => c.ok)
		);
		expect((v as unknown as { worker: Worker | null }).worker).toBeNull();
	});
});
