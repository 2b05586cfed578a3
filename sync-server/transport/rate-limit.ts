/**
 * Token buckets: `capacity` tokens, refilled at `perSecond`. The clock is injected so tests
 * advance time instead of sleeping.
 */
export class TokenBucket {
	private tokens: number;
	private last: number;

	constructor(
		private readonly capacity: number,
		private readonly perSecond: number,
		private readonly now: () => number = Date.now
	) {
		this.tokens = capacity;
		this.last = now();
	}

	take(n = 1): boolean {
		const t = this.now();
		this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
		this.last = t;
		if (this.tokens < n) return false;
		this.tokens -= n;
		return true;
	}

	/** Tokens there are now (refilled), without taking any. */
	available(): number {
		this.take(0);
		return this.tokens;
	}

	/** Full again: the bucket can be forgotten. */
	idle(): boolean {
		this.take(0);
		return this.tokens >= this.capacity;
	}
}

/** One bucket per key (remote address), dropping full buckets so the map stays small. */
export class KeyedRateLimiter {
	private readonly buckets = new Map<string, TokenBucket>();

	constructor(
		private readonly capacity: number,
		private readonly perSecond: number,
		private readonly now: () => number = Date.now
	) {}

	take(key: string): boolean {
		let bucket = this.buckets.get(key);
		if (!bucket) {
			if (this.buckets.size > 10_000) this.sweep();
			bucket = new TokenBucket(this.capacity, this.perSecond, this.now);
			this.buckets.set(key, bucket);
		}
		return bucket.take();
	}

	/**
	 * True when the key has less than one token left. With take() called only on failures,
	 * this limits failed attempts while successful ones stay free.
	 */
	exhausted(key: string): boolean {
		const bucket = this.buckets.get(key);
		return bucket !== undefined && bucket.available() < 1;
	}

	private sweep(): void {
		for (const [key, bucket] of this.buckets) if (bucket.idle()) this.buckets.delete(key);
	}
}
