import { describe, expect, it } from 'vitest';
import { MAX_DEFER_MS, QUIET_MS, runStartsAt } from './run-window';

describe('runStartsAt', () => {
	it('starts at the end of the gathering wait when the commits stopped long before', () => {
		expect(runStartsAt({ openedAt: 1_000, lastChangeAt: 1_000, gatherMs: 300 })).toBe(1_300);
	});

	it('waits for the commits to pause', () => {
		expect(runStartsAt({ openedAt: 1_000, lastChangeAt: 2_500, gatherMs: 300 })).toBe(2_500 + QUIET_MS);
	});

	it('defers a window no longer than the limit, however long the commits go on', () => {
		expect(runStartsAt({ openedAt: 1_000, lastChangeAt: 60_000, gatherMs: 300 })).toBe(1_000 + MAX_DEFER_MS);
	});

	it('keeps a gathering wait longer than the limit (a big last run)', () => {
		expect(runStartsAt({ openedAt: 0, lastChangeAt: 50_000, gatherMs: 20_000 })).toBe(20_000);
	});

	it('takes its quiet and limit from the caller', () => {
		expect(runStartsAt({ openedAt: 0, lastChangeAt: 900, gatherMs: 0 }, 50, 800)).toBe(800);
		expect(runStartsAt({ openedAt: 0, lastChangeAt: 500, gatherMs: 0 }, 50, 800)).toBe(550);
	});
});
