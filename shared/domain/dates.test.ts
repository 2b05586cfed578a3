import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	daysBetween,
	daysInMonth,
	isIsoDate,
	isIsoTimestamp,
	parseIsoTimestamp,
	serviceDateAt,
	serviceDateOf
} from './dates';

describe('ISO dates', () => {
	it.each(['2025-01-01', '2024-02-29', '2000-02-29', '2099-12-31', '2025-04-30'])('%s is a date', (d) => {
		expect(isIsoDate(d)).toBe(true);
	});
	it.each([
		['2025-02-29', 'not a leap year'],
		['2100-02-28', 'beyond the record range'],
		['1999-12-31', 'before the record range'],
		['2025-04-31', '31 April'],
		['2025-13-01', 'month 13'],
		['2025-00-10', 'month 0'],
		['2025-01-00', 'day 0'],
		['2025-1-01', 'unpadded'],
		['2025-01-01T00:00:00Z', 'a timestamp'],
		['', 'empty']
	])('%s is not (%s)', (d) => {
		expect(isIsoDate(d)).toBe(false);
	});
	it('knows month lengths, leap years included', () => {
		expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2024, m))).toEqual([
			31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
		]);
		expect(daysInMonth(2023, 2)).toBe(28);
		expect(daysInMonth(2000, 2)).toBe(29);
		expect(daysInMonth(2100, 2)).toBe(28);
	});
	it('property: agrees with the platform calendar for every day of the record range', () => {
		fc.assert(
			fc.property(
				fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
				(d) => {
					expect(isIsoDate(d.toISOString().slice(0, 10))).toBe(true);
				}
			)
		);
	});
});

describe('ISO timestamps', () => {
	it.each([
		['2025-10-01T01:30:00.000Z', Date.UTC(2025, 9, 1, 1, 30)],
		['2025-10-01T10:30:00+09:00', Date.UTC(2025, 9, 1, 1, 30)],
		['2025-10-01T10:30:00.5+09:00', Date.UTC(2025, 9, 1, 1, 30, 0, 500)],
		['2025-09-30T20:30:00-05:00', Date.UTC(2025, 9, 1, 1, 30)],
		['2025-10-01T01:30:00.123456789Z', Date.UTC(2025, 9, 1, 1, 30, 0, 123)]
	])('%s', (ts, ms) => {
		expect(parseIsoTimestamp(ts)).toBe(ms);
	});
	it.each([
		'2025-10-01T01:30:00',
		'2025-10-01T01:30Z',
		'2025-10-01 01:30:00Z',
		'2025-02-30T01:30:00Z',
		'2025-10-01T24:00:00Z',
		'2025-10-01T01:60:00Z',
		'2025-10-01T01:30:60Z',
		'2025-10-01T01:30:00+15:00',
		'2025-10-01T01:30:00+09:60',
		'1999-10-01T01:30:00Z',
		'not a time'
	])('%s is not a timestamp', (ts) => {
		expect(isIsoTimestamp(ts)).toBe(false);
	});
	it('property: reads every near-timestamp as the ISO 8601 pattern does', () => {
		// The pattern the character-code reader replaced, with the same checks after it.
		const pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
		const reference = (text: string): number | null => {
			const m = pattern.exec(text);
			if (!m) return null;
			const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
			if (!isIsoDate(`${m[1]}-${m[2]}-${m[3]}`) || h! > 23 || mi! > 59 || s! > 59) return null;
			const zone = m[8]!;
			const [oh, om] = zone === 'Z' ? [0, 0] : [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
			if (oh > 14 || om > 59) return null;
			const offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
			const fraction = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
			return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, fraction) - offset * 60_000;
		};
		const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
		// Each part mostly well formed (so that many texts parse), sometimes not.
		const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
			fc.oneof({ arbitrary: good, weight: 9 }, { arbitrary: bad, weight: 1 });
		const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
		const near = fc
			.tuple(
				mostly(fc.integer({ min: 1990, max: 2110 }).map(String), digits(3, 5)),
				mostly(fc.constant('-'), fc.constantFrom('/', '')),
				mostly(two(13), digits(1, 3)),
				mostly(two(32), digits(1, 3)),
				mostly(fc.constant('T'), fc.constantFrom(' ', 't')),
				mostly(two(24), digits(1, 3)),
				mostly(two(60), digits(1, 3)),
				mostly(two(60), digits(1, 3)),
				fc.option(digits(0, 11)),
				mostly(fc.constantFrom('Z', '+', '-'), fc.constantFrom('z', '', '+0')),
				fc.tuple(
					mostly(two(15), digits(1, 3)),
					mostly(fc.constant(':'), fc.constant('')),
					mostly(two(60), digits(1, 3))
				)
			)
			.map(
				([y, sep, mo, d, t, h, mi, s, frac, zone, [oh, colon, om]]) =>
					`${y}${sep}${mo}-${d}${t}${h}:${mi}:${s}${frac === null ? '' : `.${frac}`}${zone}${
						zone === 'Z' ? '' : `${oh}${colon}${om}`
					}`
			);
		fc.assert(
			fc.property(
				fc.oneof({ arbitrary: near, weight: 4 }, { arbitrary: fc.string({ maxLength: 36 }), weight: 1 }),
				(text) => {
					const expected = reference(text);
					expect(parseIsoTimestamp(text)).toBe(expected);
				}
			),
			{ numRuns: 5000 }
		);
	});

	it('property: every toISOString() in the record range parses back to its instant', () => {
		fc.assert(
			fc.property(
				fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
				(d) => {
					expect(parseIsoTimestamp(d.toISOString())).toBe(d.getTime());
				}
			)
		);
	});
});

describe('service dates (JST)', () => {
	it.each([
		['2025-10-01T14:59:59.999Z', '2025-10-01'],
		['2025-10-01T15:00:00.000Z', '2025-10-02'],
		['2025-10-02T00:00:00+09:00', '2025-10-02'],
		['2025-12-31T15:00:00Z', '2026-01-01'],
		['2024-02-28T15:00:00Z', '2024-02-29']
	])('%s is on %s in Japan', (ts, day) => {
		expect(serviceDateOf(ts)).toBe(day);
		expect(serviceDateAt(Date.parse(ts))).toBe(day);
	});
	it('is null for a non-timestamp', () => {
		expect(serviceDateOf('2025-10-01')).toBeNull();
	});
	it('counts calendar days between dates', () => {
		expect(daysBetween('2025-01-01', '2025-01-22')).toBe(21);
		expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
		expect(daysBetween('2025-03-01', '2025-02-28')).toBe(-1);
		expect(() => daysBetween('x', '2025-01-01')).toThrow(RangeError);
	});
});
