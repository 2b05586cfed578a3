import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS, batchId, isSiteCode, parseBatchId } from './batch';

const DEVICE = '01936f4e-1c2a-7b3d-8e4f-0a1b2c3d4e5f';

describe('batch ids', () => {
	it('round-trips device, site and service day', () => {
		const key = { deviceId: DEVICE, siteCode: 'V-01_a', serviceDay: '2024-02-29' };
		expect(parseBatchId(batchId(key))).toEqual(key);
	});
	it.each([
		['too few parts', `${DEVICE}/V001`],
		['too many parts', `${DEVICE}/V001/2025-10-01/x`],
		['not a UUID', 'device/V001/2025-10-01'],
		['upper-case UUID', `${DEVICE.toUpperCase()}/V001/2025-10-01`],
		['site code with a space', `${DEVICE}/V 01/2025-10-01`],
		['site code too long', `${DEVICE}/${'V'.repeat(21)}/2025-10-01`],
		['a day that does not exist', `${DEVICE}/V001/2025-02-30`],
		['a malformed day', `${DEVICE}/V001/2025-1-01`]
	])('refuses %s', (_, id) => {
		expect(parseBatchId(id)).toBeNull();
	});
	it('refuses a non-string from untyped callers', () => {
		expect(parseBatchId(7 as unknown as string)).toBeNull();
	});
	it('checks site codes', () => {
		expect(isSiteCode('1310160001')).toBe(true);
		expect(isSiteCode('')).toBe(false);
		expect(isSiteCode('会場')).toBe(false);
	});
	it('names the events array', () => {
		expect(BATCH_EVENTS).toBe('events');
	});
});
