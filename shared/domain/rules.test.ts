import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doseSequenceProblem, isLotUsableOn, ticketDoseAgrees } from './rules';
import { DEFAULT_VACCINE_CATALOG, findProduct } from './vaccines';

const at = (day: string, time = '10:00:00') => `${day}T${time}+09:00`;

describe('dose sequence', () => {
	it.each([
		['dose 2 of Comirnaty exactly 21 days later', '2025-01-01', '2025-01-22', 2, 'comirnaty', null],
		['dose 2 of Comirnaty 20 days later', '2025-01-01', '2025-01-21', 2, 'comirnaty', 'DOSE_INTERVAL_TOO_SHORT'],
		['dose 2 of Spikevax 27 days later', '2025-01-01', '2025-01-28', 2, 'spikevax', 'DOSE_INTERVAL_TOO_SHORT'],
		['dose 2 of Spikevax 28 days later', '2025-01-01', '2025-01-29', 2, 'spikevax', null],
		['dose 3 after 90 days', '2025-01-01', '2025-04-01', 3, 'comirnaty', null],
		['dose 3 after 89 days', '2025-01-01', '2025-03-31', 3, 'comirnaty', 'DOSE_INTERVAL_TOO_SHORT'],
		['a dose dated before the previous one', '2025-03-01', '2025-02-28', 3, 'comirnaty', 'DOSE_BEFORE_PREVIOUS'],
		['an unknown product', '2025-01-01', '2025-06-01', 3, 'nope', 'PRODUCT_UNKNOWN'],
		['a dose number beyond the product', '2025-01-01', '2025-06-01', 7, 'comirnaty', 'DOSE_NUMBER_NOT_ALLOWED']
	])('%s', (_, prev, next, doseNumber, product, problem) => {
		expect(doseSequenceProblem({ givenAt: at(prev) }, { givenAt: at(next), doseNumber, product })).toBe(problem);
	});

	it('counts days by the Japanese calendar date, not 24-hour periods', () => {
		// 21 calendar days apart in JST, though only 20 days and 1 hour in elapsed time.
		expect(
			doseSequenceProblem(
				{ givenAt: at('2025-01-01', '23:00:00') },
				{ givenAt: at('2025-01-22', '00:00:00'), doseNumber: 2, product: 'comirnaty' }
			)
		).toBeNull();
		// The same instants seen in UTC fall on other days; the rule must not use them.
		expect(
			doseSequenceProblem(
				{ givenAt: '2025-01-01T14:00:00Z' },
				{ givenAt: '2025-01-21T16:00:00Z', doseNumber: 2, product: 'comirnaty' }
			)
		).toBeNull();
	});

	it('property: a dose exactly at, or later than, the product minimum passes, one day earlier does not', () => {
		const products = DEFAULT_VACCINE_CATALOG.products.map((p) => p.code);
		fc.assert(
			fc.property(
				fc.constantFrom(...products),
				fc.integer({ min: 2, max: 6 }),
				fc.integer({ min: 0, max: 400 }),
				(code, n, extra) => {
					const product = findProduct(DEFAULT_VACCINE_CATALOG, code)!;
					const min = product.minIntervalDays[n]!;
					const start = Date.UTC(2025, 0, 1);
					const day = (offset: number) => new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
					expect(
						doseSequenceProblem(
							{ givenAt: at(day(0)) },
							{ givenAt: at(day(min + extra)), doseNumber: n, product: code }
						)
					).toBeNull();
					if (min > 0) {
						expect(
							doseSequenceProblem({ givenAt: at(day(0)) }, { givenAt: at(day(min - 1)), doseNumber: n, product: code })
						).toBe('DOSE_INTERVAL_TOO_SHORT');
					}
				}
			)
		);
	});

	it('refuses to compare non-timestamps', () => {
		expect(() =>
			doseSequenceProblem({ givenAt: '2025-01-01' }, { givenAt: at('2025-02-01'), doseNumber: 2, product: 'comirnaty' })
		).toThrow(RangeError);
	});
});

describe('ticket 回数 and dose number', () => {
	it.each([
		[3, 3, true],
		[3, 4, false],
		[null, 4, true]
	])('ticket %s, dose %s → %s', (ticketDose, doseNumber, agrees) => {
		expect(ticketDoseAgrees({ ticketDose, doseNumber })).toBe(agrees);
	});
});

describe('lot expiry', () => {
	it.each([
		['2025-10-01', at('2025-10-01', '23:59:00'), true],
		['2025-10-01', at('2025-10-02', '00:01:00'), false],
		// 2025-10-01T15:30Z is already 2 October in Japan.
		['2025-10-01', '2025-10-01T15:30:00Z', false],
		['2026-03-31', at('2025-10-01'), true]
	])('a lot expiring %s used at %s: %s', (expiry, givenAt, usable) => {
		expect(isLotUsableOn(expiry, givenAt)).toBe(usable);
	});
	it('refuses a non-timestamp', () => {
		expect(() => isLotUsableOn('2025-10-01', 'today')).toThrow(RangeError);
	});
});
