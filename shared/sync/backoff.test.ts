import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoff with full jitter', () => {
	it('stays within [0, min(cap, base·2^attempt))', () => {
		fc.assert(
			fc.property(fc.nat(100), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
				const d = backoffDelay(attempt, () => r);
				expect(d).toBeGreaterThanOrEqual(0);
				expect(d).toBeLessThan(Math.min(30_000, 500 * 2 ** Math.min(attempt, 20)));
			})
		);
	});

	it('spreads devices over the window instead of reconnecting together', () => {
		expect(backoffDelay(3, () => 0)).toBe(0);
		expect(backoffDelay(3, () => 0.5)).toBe(2000);
		expect(backoffDelay(50, () => 0.5)).toBe(15_000);
	});
});
