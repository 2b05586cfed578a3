import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Catalogs } from '../catalog/catalogs';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import { createLogger } from '../logger';
import { Reconciler } from './reconciler';

/**
 * When the runs after commits start, on fake timers, over a database that records when each
 * transaction begins. Its first transaction (the run's look at what changed) answers with
 * `tickets` changed tickets; every later one (the rules themselves, which the integration
 * suites run on both backends) fails, which ends the run there.
 */
function recordingDatabase(tickets = 250) {
	const starts: number[] = [];
	/** The batches each look at what changed asked about. */
	const looked: string[][] = [];
	const rows = Array.from({ length: tickets }, (_, i) => ({
		batch_id: 'batch',
		update_seq: i + 1,
		municipality: '131016',
		ticket_number: String(i).padStart(10, '0'),
		replaces: null
	}));
	const db = {
		backend: 'pglite',
		async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
			starts.push(Date.now());
			if (starts.length > 1) throw new Error('no rules in this fake');
			return fn({
				query: async (_sql: string, params?: unknown[]) => {
					looked.push(params?.[0] as string[]);
					return { rows } as never;
				},
				exec: async () => undefined
			});
		}
	} as unknown as SqlDatabase;
	return { db, starts, looked };
}

function reconcilerOver(db: SqlDatabase) {
	const warnings: string[] = [];
	const reconciler = new Reconciler(
		db,
		'131016',
		createLogger((l) => warnings.push(l), 'warn'),
		{} as Catalogs,
		300
	);
	return { reconciler, warnings };
}

describe('Reconciler: runs after commits', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.setSystemTime(0);
	});
	afterEach(() => vi.useRealTimers());

	it('runs once at the end of its gathering window, for every batch reported in it', async () => {
		const { db, starts, looked } = recordingDatabase();
		const { reconciler, warnings } = reconcilerOver(db);
		reconciler.batchChanged('batch');
		await vi.advanceTimersByTimeAsync(200);
		reconciler.batchChanged('other');
		await vi.advanceTimersByTimeAsync(99);
		expect(starts).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		// The look at what changed, then the first rules transaction (which this fake fails).
		expect(starts).toEqual([300, 300]);
		expect(looked).toEqual([['batch', 'other']]);
		expect(warnings.join('\n')).toContain('reconciliation rules failed');
		await reconciler.stop();
	});

	it('leaves nothing scheduled once stopped, with batches still to judge', async () => {
		const { db, starts } = recordingDatabase();
		const { reconciler } = reconcilerOver(db);
		reconciler.batchChanged('batch');
		await vi.advanceTimersByTimeAsync(100);
		await reconciler.stop();
		reconciler.batchChanged('later');
		expect(vi.getTimerCount()).toBe(0);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(starts).toEqual([]);
	});
});
