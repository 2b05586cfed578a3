import { describe, expect, it } from 'vitest';
import {
	formatJapanDateMinute,
	formatJapanDateTime,
	formatJapanTime,
	japanDateAt,
	japanHourAt,
	japanMidnight
} from './japan-time';

describe('Japan time', () => {
	// 2026-11-21T15:30:05Z is 2026-11-22 00:30:05 in Tokyo: the day has already turned there.
	const justAfterMidnight = '2026-11-21T15:30:05.000Z';

	it('puts an instant on its Japan date and hour, whatever the machine zone', () => {
		expect(japanDateAt(justAfterMidnight)).toBe('2026-11-22');
		expect(japanDateAt(Date.parse(justAfterMidnight))).toBe('2026-11-22');
		expect(japanHourAt(justAfterMidnight)).toBe(0);
		expect(japanDateAt('2026-12-31T14:59:59.999Z')).toBe('2026-12-31');
		expect(japanDateAt('2026-12-31T15:00:00.000Z')).toBe('2027-01-01');
	});

	it('formats in Japan time', () => {
		expect(formatJapanDateTime(justAfterMidnight)).toBe('2026/11/22 00:30:05');
		expect(formatJapanDateMinute(justAfterMidnight)).toBe('2026/11/22 00:30');
		expect(formatJapanTime(justAfterMidnight)).toBe('00:30');
		expect(formatJapanTime('2026-11-22T09:05:00+09:00')).toBe('09:05');
	});

	it('agrees with Intl on the Asia/Tokyo zone over a year of instants', () => {
		const intl = new Intl.DateTimeFormat('en-CA', {
			timeZone: 'Asia/Tokyo',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23'
		});
		for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 7_777_777) {
			const p = Object.fromEntries(intl.formatToParts(t).map((x) => [x.type, x.value]));
			expect(formatJapanDateTime(t)).toBe(`${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}:${p.second}`);
		}
	});

	it('finds the instant a Japan day begins', () => {
		expect(new Date(japanMidnight('2026-11-22')).toISOString()).toBe('2026-11-21T15:00:00.000Z');
		expect(new Date(japanMidnight('2026-11-22', 1)).toISOString()).toBe('2026-11-22T15:00:00.000Z');
	});
});
