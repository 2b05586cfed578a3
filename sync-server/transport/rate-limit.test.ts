import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, TokenBucket } from './rate-limit';

describe('rate limits', () => {
	it('allows a burst up to capacity, then the refill rate', () => {
		let now = 0;
		const bucket = new TokenBucket(3, 2, () => now);
		expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
		now += 500; // one token back
		expect([bucket.take(), bucket.take()]).toEqual([true, false]);
		now += 60_000; // never more than capacity
		expect([bucket.take(3), bucket.take()]).toEqual([true, false]);
	});

	it('keeps one bucket per key', () => {
		const now = 0;
		const limiter = new KeyedRateLimiter(1, 1, () => now);
		expect(limiter.take('10.0.0.1')).toBe(true);
		expect(limiter.take('10.0.0.1')).toBe(false);
		expect(limiter.take('10.0.0.2')).toBe(true);
	});

	it('reports an exhausted key without taking from it', () => {
		let now = 0;
		const limiter = new KeyedRateLimiter(2, 1, () => now);
		expect(limiter.exhausted('10.0.0.1')).toBe(false);
		limiter.take('10.0.0.1');
		expect(limiter.exhausted('10.0.0.1')).toBe(false);
		limiter.take('10.0.0.1');
		expect([limiter.exhausted('10.0.0.1'), limiter.exhausted('10.0.0.1'), limiter.exhausted('10.0.0.2')]).toEqual([
			true,
			true,
			false
		]);
		now += 1000;
		expect(limiter.exhausted('10.0.0.1')).toBe(false);
	});
});
