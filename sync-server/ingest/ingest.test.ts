import { generateKeyPairSync } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS, batchId, validateEvent } from '#shared/index';
import { updateSigningBytes } from '#shared/protocol/signing';
import { doseEvent } from '../../test/helpers/fixtures';
import { ed25519Sign } from '../crypto/ed25519';
import type { Catalogs } from '../catalog/catalogs';
import type { CommitOutcome, DeviceRecord, Ledger, UpdateToCommit } from '../ledger/ledger';
import type { SignatureVerifier } from '../crypto/signature-verifier';
import { Ingest } from './ingest';

/**
 * Pipelining: an update is checked and queued at once, answered after its commit, and one
 * checked against an update that then fails to commit never commits. The ledger here holds
 * each commit until released (the SQL is the contract suite's).
 */
function heldLedger() {
	const commits: { updates: UpdateToCommit[]; release: (error?: Error) => void }[] = [];
	const ledger = {
		batchUpdates: async () => [],
		commitUpdates: (us: readonly UpdateToCommit[]) =>
			new Promise<CommitOutcome[]>((resolve, reject) =>
				commits.push({
					updates: [...us],
					release: (error) => (error ? reject(error) : resolve(us.map((_, i) => ({ seq: i + 1 }))))
				})
			)
	} as unknown as Ledger;
	return { ledger, commits };
}

const until = (cond: () => boolean) =>
	new Promise<void>((resolve) => {
		const poll = () => (cond() ? resolve() : setImmediate(poll));
		poll();
	});

/** A verifier that answers only when told, to see what waits for it. */
function heldVerifier() {
	const asked: ((ok: boolean) => void)[] = [];
	const verifier = {
		verify: () => new Promise<boolean>((resolve) => asked.push(resolve)),
		close: async () => undefined
	} as unknown as SignatureVerifier;
	return { verifier, asked };
}

/** Every result, with each held commit released as it is asked for. */
async function settled<T>(results: Promise<T>[], commits: { release: () => void }[]): Promise<T[]> {
	const releasing = setInterval(() => commits.forEach((c) => c.release()), 1);
	try {
		return await Promise.all(results);
	} finally {
		clearInterval(releasing);
	}
}

function setUp(verifier?: SignatureVerifier) {
	const { ledger, commits } = heldLedger();
	const catalogs = { validateAny: validateEvent, refresh: async () => false } as unknown as Catalogs;
	const ingest = new Ingest(ledger, catalogs, () => Date.parse('2026-11-22T03:00:00Z'), verifier);
	const deviceKeys = generateKeyPairSync('ed25519');
	const raw = deviceKeys.publicKey.export({ format: 'jwk' }).x!;
	const device: DeviceRecord = {
		id: '01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f',
		municipality: '131016',
		setting: 'mass',
		siteCode: 'V001',
		label: 't',
		status: 'active',
		keys: { box: new Uint8Array(32), sign: new Uint8Array(Buffer.from(raw, 'base64url')) },
		serverKeyGeneration: 1
	};
	const batch = batchId({ deviceId: device.id, siteCode: 'V001', serviceDay: '2026-11-22' });
	const doc = new Y.Doc({ gc: false });
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	for (let i = 1; i <= 3; i++)
		doc.getArray(BATCH_EVENTS).push([doseEvent({ deviceId: device.id, batch }, String(i).padStart(10, '0'))]);
	const submit = (u: Uint8Array) =>
		ingest.submit(device, batch, u, ed25519Sign(updateSigningBytes(batch, device.id, u), deviceKeys.privateKey));
	return { ingest, commits, submit, updates, device, batch };
}

describe('Ingest.submit: checks the next update while one commits', () => {
	it('queues each update at once and answers it after its commit, in order', async () => {
		const { commits, submit, updates } = setUp();
		const submitted = [];
		// All three are checked and queued while the first commit is still running.
		for (const u of updates) submitted.push(await submit(u));
		await until(() => commits.length === 1);
		let answered = 0;
		const results = submitted.map((s) => s.result.then((r) => (answered++, r)));
		await new Promise((r) => setImmediate(r));
		expect(answered).toBe(0);
		// Released as they come (the group commit decides how many groups the three make).
		let released = 0;
		const releasing = setInterval(() => {
			while (released < commits.length) commits[released++]!.release();
		}, 1);
		const rs = await Promise.all(results);
		clearInterval(releasing);
		expect(rs.map((r) => r.ok && r.receipt.eventCount)).toEqual([1, 2, 3]);
	});

	it('fails the updates checked against one whose commit failed, and none of them commits', async () => {
		const { commits, submit, updates, ingest, device, batch } = setUp();
		const first = await submit(updates[0]!);
		await until(() => commits.length === 1);
		const second = await submit(updates[1]!);
		commits[0]!.release(new Error('database gone'));
		await expect(first.result).rejects.toThrow('database gone');
		await expect(second.result).rejects.toThrow('database gone');
		expect(commits.flatMap((c) => c.updates)).toHaveLength(1);
		// The batch's copy was dropped: rebuilt from the (empty) ledger, it receipts nothing.
		const step1 = await ingest.syncStep1(device, batch, Uint8Array.of(0));
		expect(step1.ok && step1.receipt.eventCount).toBe(0);
	});

	it('hands over the next updates before the first is verified, and checks them in order once they are', async () => {
		const { verifier, asked } = heldVerifier();
		const { commits, submit, updates } = setUp(verifier);
		const results = updates.map((u) => submit(u).result);
		// Every signature is with the verifier (one batch), nothing checked or committed yet.
		expect(asked).toHaveLength(3);
		await new Promise((r) => setImmediate(r));
		expect(commits).toHaveLength(0);
		// Answered out of order: the batch's updates are still checked in the order they came.
		asked[2]!(true);
		asked[1]!(true);
		asked[0]!(true);
		const rs = await settled(results, commits);
		expect(rs.map((r) => r.ok && r.receipt.eventCount)).toEqual([1, 2, 3]);
	});

	it('refuses an update whose signature fails, and the one built on it for its missing base', async () => {
		const { verifier, asked } = heldVerifier();
		const { commits, submit, updates } = setUp(verifier);
		const results = updates.map((u) => submit(u).result);
		asked[0]!(true);
		asked[1]!(false);
		asked[2]!(true);
		const rs = await settled(results, commits);
		expect(rs.map((r) => (r.ok ? r.receipt.eventCount : r.code))).toEqual([1, 'BAD_SIGNATURE', 'UPDATE_MISSING_BASE']);
	});
});
