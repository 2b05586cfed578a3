import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_WARN_MS, clockSkewMs, isClockSkewed } from './clock-skew';

const SERVER = '2026-11-22T01:00:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('clock skew between the device and the server', () => {
	it('is the device time minus the server time: positive when the device runs ahead', () => {
		expect(clockSkewMs(SERVER, at('2026-11-22T01:07:00.000Z'))).toBe(7 * 60_000);
		expect(clockSkewMs(SERVER, at('2026-11-22T00:53:30.000Z'))).toBe(-6.5 * 60_000);
		expect(clockSkewMs('2026-11-22T10:00:00+09:00', at(SERVER))).toBe(0);
	});

	it('warns beyond five minutes either way, not at or under them', () => {
		expect(CLOCK_SKEW_WARN_MS).toBe(300_000);
		for (const [device, skewed] of [
			['2026-11-22T01:00:00.000Z', false],
			['2026-11-22T01:04:59.000Z', false],
			['2026-11-22T01:05:00.000Z', false],
			['2026-11-22T01:05:00.001Z', true],
			['2026-11-22T00:54:59.999Z', true],
			['2026-11-22T00:55:00.000Z', false],
			['2027-11-22T01:00:00.000Z', true],
			['2026-11-21T01:00:00.000Z', true]
		] as const) {
			expect(isClockSkewed(clockSkewMs(SERVER, at(device))), device).toBe(skewed);
		}
	});

	it('has nothing to compare when the server sent no readable time', () => {
		for (const bad of ['', 'yesterday', '2026-11-22', '2026-02-30T00:00:00Z'])
			expect(clockSkewMs(bad, at(SERVER))).toBeNull();
		expect(clockSkewMs(SERVER, Number.NaN)).toBeNull();
		expect(isClockSkewed(null)).toBe(false);
	});
});
