import { describe, expect, it } from 'vitest';
import { KeystrokeTimer } from './scan-timing';

const typed = (gaps: number[]) => {
	const t = new KeystrokeTimer();
	let now = 1000;
	t.key(now);
	for (const g of gaps) t.key((now += g));
	return t;
};

describe('keyboard-wedge detection', () => {
	it('a burst of 18 characters is a scan', () => {
		expect(typed(Array(17).fill(4)).isScan(18)).toBe(true);
	});
	it('a person typing, or too few keys for the value (a paste), is not', () => {
		expect(typed(Array(17).fill(140)).isScan(18)).toBe(false);
		expect(typed(Array(5).fill(4)).isScan(18)).toBe(false);
		expect(new KeystrokeTimer().isScan(18)).toBe(false);
	});
	it('one slow gap in a fast burst still counts as a scan (median, not mean)', () => {
		expect(typed([...Array(16).fill(4), 400]).isScan(18)).toBe(true);
	});
});
