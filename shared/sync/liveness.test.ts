import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Liveness } from './liveness';

describe('liveness check', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('pings every interval while the server answers', () => {
		const ping = vi.fn();
		const onDead = vi.fn();
		const l = new Liveness({ intervalMs: 1000, ping, onDead });
		for (let i = 0; i < 5; i++) {
			vi.advanceTimersByTime(1000);
			l.heard();
		}
		expect(ping).toHaveBeenCalledTimes(5);
		expect(onDead).not.toHaveBeenCalled();
		l.stop();
	});

	it('declares the link dead after two silent intervals, once', () => {
		const ping = vi.fn();
		const onDead = vi.fn();
		new Liveness({ intervalMs: 1000, ping, onDead });
		vi.advanceTimersByTime(1000);
		expect(onDead).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1000);
		expect(onDead).toHaveBeenCalledTimes(1);
		vi.advanceTimersByTime(10_000);
		expect(onDead).toHaveBeenCalledTimes(1);
	});

	it('stops pinging once stopped', () => {
		const ping = vi.fn();
		const l = new Liveness({ intervalMs: 1000, ping, onDead: vi.fn() });
		l.stop();
		vi.advanceTimersByTime(5000);
		expect(ping).not.toHaveBeenCalled();
	});
});
