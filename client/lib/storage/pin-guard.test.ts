import { describe, expect, it } from 'vitest';
import {
	PIN_ERASE_AFTER,
	PIN_FREE_ATTEMPTS,
	PIN_MAX_WAIT_MS,
	PinGuard,
	pinWaitMs,
	type FailureCount
} from './pin-guard';

function memory(start = 0): FailureCount & { value: number } {
	const c = { value: start, read: async () => c.value, write: async (n: number) => void (c.value = n) };
	return c;
}

describe('wrong PIN attempts', () => {
	it('cost nothing for the first five, then wait 30 s doubling to at most 15 minutes', () => {
		expect([0, 1, 4].map(pinWaitMs)).toEqual([0, 0, 0]);
		expect([5, 6, 7, 8, 9, 10, 11, 50].map(pinWaitMs)).toEqual([
			30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000
		]);
		expect(PIN_MAX_WAIT_MS).toBe(900_000);
		expect(PIN_ERASE_AFTER).toBeGreaterThan(PIN_FREE_ATTEMPTS);
	});

	it('counts an attempt before the PIN is tried, so a closed tab still counts it; a right PIN resets', async () => {
		const count = memory();
		const guard = new PinGuard(count, () => 0);
		expect(await guard.begin()).toEqual({ ok: true, failures: 1 });
		// The tab dies here, mid-PBKDF2: the stored count already says 1.
		expect(count.value).toBe(1);
		expect(await guard.begin()).toEqual({ ok: true, failures: 2 });
		await guard.succeeded();
		expect(count.value).toBe(0);
	});

	it('refuses to try a PIN while the wait runs, on the monotonic clock, without counting it', async () => {
		let now = 1_000;
		const count = memory();
		const guard = new PinGuard(count, () => now);
		for (let i = 1; i <= PIN_FREE_ATTEMPTS; i++) {
			const a = await guard.begin();
			expect(a).toEqual({ ok: true, failures: i });
			guard.failed(i);
		}
		expect(await guard.begin()).toEqual({ ok: false, waitMs: 30_000 });
		now += 29_999;
		expect(await guard.begin()).toEqual({ ok: false, waitMs: 1 });
		expect(count.value).toBe(PIN_FREE_ATTEMPTS);
		now += 1;
		expect(await guard.begin()).toEqual({ ok: true, failures: 6 });
		expect(guard.failed(6)).toBe(60_000);
		expect(await guard.waitMs()).toBe(60_000);
	});

	it('starts the wait again at a reload: a new page waits the whole time, never less', async () => {
		const count = memory(7);
		const reloaded = new PinGuard(count, () => 5);
		expect(await reloaded.begin()).toEqual({ ok: false, waitMs: 120_000 });
	});
});
