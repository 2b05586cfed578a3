import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Catalogs } from '../catalog/catalogs';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import { createLogger } from '../logger';
import { Reconciler } from './reconciler';
import { MAX_DEFER_MS, QUIET_MS } from './run-window';

/**
 * When the runs after commits start, on fake timers, over a database that records when each
 * transaction begins. Its first transaction (the run's look at what changed) answers with
 * `tickets` changed tickets after `firstMs`; every later one (the rules themselves, which the
 * integration suites run on both backends) fails, which ends the run there.
 */
function recordingDatabase(tickets = 250, firstMs = 0) {
	const starts: number[] = [];
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
			if (firstMs > 0) await new Promise((r) => setTimeout(r, firstMs));
			return fn({ query: async () => ({ rows }) as never, exec: async () => undefined });
		}
	} as unknown as SqlDatabase;
	return { db, starts };
}

function reconcilerOver(db: SqlDatabase) {
	const warnings: string[] = [];
	const reconciler = new Reconciler(
		db,
		'131016',
		createLogger((l) => warnings.push(l), 'warn'),
		{} as Catalogs,
		300,
		() => Date.now()
	);
	return { reconciler, warnings };
}

describe('Reconciler: rules yield to the devices’ commits', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.setSystemTime(0);
	});
	afterEach(() => vi.useRealTimers());

	it('runs at the end of its gathering window when the commits have stopped', async () => {
		const { db, starts } = recordingDatabase();
		const { reconciler } = reconcilerOver(db);
		reconciler.batchChanged('batch');
		await vi.advanceTimersByTimeAsync(299);
		expect(starts).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(starts[0]).toBe(300);
		await reconciler.stop();
	});

	it('waits while commits keep coming, and runs once they pause', async () => {
		const { db, starts } = recordingDatabase();
		const { reconciler } = reconcilerOver(db);
		for (let t = 0; t <= 2_000; t += 50) {
			reconciler.batchChanged(`batch-${t % 3}`);
			await vi.advanceTimersByTimeAsync(50);
		}
		expect(starts).toEqual([]);
		await vi.advanceTimersByTimeAsync(QUIET_MS);
		expect(starts[0]).toBe(2_000 + QUIET_MS);
		await reconciler.stop();
	});

	it('still judges a steady stream, at the deferral limit', async () => {
		const { db, starts } = recordingDatabase();
		const { reconciler } = reconcilerOver(db);
		for (let t = 0; t < 8_000; t += 100) {
			reconciler.batchChanged('batch');
			await vi.advanceTimersByTimeAsync(100);
		}
		expect(starts[0]).toBe(MAX_DEFER_MS);
		await reconciler.stop();
	});

	it('pauses a run begun in a lull when the commits start again', async () => {
		const { db, starts } = recordingDatabase(250, 100);
		const { reconciler, warnings } = reconcilerOver(db);
		reconciler.batchChanged('batch');
		await vi.advanceTimersByTimeAsync(350); // the run began at 300 and reads until 400
		expect(starts).toEqual([300]);
		reconciler.batchChanged('other'); // a burst begins at 350
		await vi.advanceTimersByTimeAsync(150);
		expect(starts).toEqual([300]); // 500: the rules wait for the burst to pause
		await vi.advanceTimersByTimeAsync(100);
		expect(starts).toEqual([300, 350 + QUIET_MS]);
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
