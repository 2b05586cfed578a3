import { describe, expect, it } from 'vitest';
import type { CommitOutcome, Ledger, UpdateToCommit } from '../ledger/ledger';
import { GroupCommit } from './group-commit';

/**
 * The grouping itself, over a ledger that records the groups it is given (the SQL is the
 * contract suite's: test/contract/ledger.contract.test.ts runs commitUpdates on both backends).
 */
function recordingLedger(fail: (u: UpdateToCommit) => boolean = () => false) {
	const groups: string[][] = [];
	let release: (() => void) | null = null;
	let gate: Promise<void> | null = null;
	const ledger = {
		async commitUpdates(us: readonly UpdateToCommit[]): Promise<CommitOutcome[]> {
			groups.push(us.map((u) => u.batchId));
			if (gate) await gate;
			if (us.some(fail)) throw new Error('refused by the database');
			return us.map((_, i) => ({ seq: groups.length * 1000 + i }));
		}
	} as unknown as Ledger;
	return {
		ledger,
		groups,
		hold() {
			gate = new Promise((r) => (release = r));
		},
		release() {
			gate = null;
			release?.();
		}
	};
}

const update = (batchId: string) => ({
	batchId,
	deviceId: 'd',
	municipality: '131016',
	siteCode: 'V001',
	serviceDay: '2026-11-22',
	update: Uint8Array.of(1),
	signature: new Uint8Array(64),
	events: []
});

describe('GroupCommit', () => {
	it('commits what arrives together in one transaction, and what arrives during it in the next', async () => {
		const l = recordingLedger();
		const gc = new GroupCommit(l.ledger, { windowMs: 1, maxUpdates: 100 });
		l.hold();
		const first = ['a', 'b', 'c'].map((b) => gc.commit(update(b)));
		await new Promise<void>((resolve) => {
			const poll = () => (l.groups.length === 1 ? resolve() : setImmediate(poll));
			poll();
		});
		const second = ['d', 'e'].map((b) => gc.commit(update(b)));
		l.release();
		const outcomes = await Promise.all([...first, ...second]);
		expect(l.groups).toEqual([
			['a', 'b', 'c'],
			['d', 'e']
		]);
		expect(outcomes.every((o) => 'seq' in o)).toBe(true);
	});

	it('never puts more than maxUpdates in one transaction', async () => {
		const l = recordingLedger();
		const gc = new GroupCommit(l.ledger, { windowMs: 1, maxUpdates: 2 });
		await Promise.all(['a', 'b', 'c', 'd', 'e'].map((b) => gc.commit(update(b))));
		expect(l.groups.every((g) => g.length <= 2)).toBe(true);
		expect(l.groups.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
	});

	it('after a failed group, commits each alone: only the update the database refuses fails', async () => {
		const l = recordingLedger((u) => u.batchId === 'bad');
		const gc = new GroupCommit(l.ledger, { windowMs: 1, maxUpdates: 100 });
		const results = await Promise.allSettled(['a', 'bad', 'c'].map((b) => gc.commit(update(b))));
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		expect(l.groups).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
	});

	it('never commits an update whose chain failed before it, in the same group or a later one', async () => {
		const l = recordingLedger((u) => u.batchId === 'bad');
		const gc = new GroupCommit(l.ledger, { windowMs: 1, maxUpdates: 100 });
		const chain = { failed: null };
		// 'bad' then 'after' were checked against one document: 'after' builds on 'bad'.
		l.hold();
		const together = [gc.commit(update('bad'), chain), gc.commit(update('after'), chain), gc.commit(update('other'))];
		await new Promise<void>((resolve) => {
			const poll = () => (l.groups.length === 1 ? resolve() : setImmediate(poll));
			poll();
		});
		const later = gc.commit(update('later'), chain);
		l.release();
		const results = await Promise.allSettled([...together, later]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'rejected']);
		// The chain's updates fail with the error that broke it, and never reach the database again.
		for (const r of [results[1], results[3]])
			expect((r as PromiseRejectedResult).reason).toEqual(new Error('refused by the database'));
		expect(l.groups).toEqual([['bad', 'after', 'other'], ['bad'], ['other']]);
	});
});
