import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	GS,
	GS1_ERROR_CODES,
	GS1_ERROR_MESSAGES,
	gs1CheckDigit,
	gs1DateToIso,
	isValidGtin,
	parseGs1,
	type Gs1ErrorCode
} from './gs1';
import { containsMyNumber } from './my-number';
import { digitString, validMyNumber } from './testing/arbitraries';

const Y = { referenceYear: 2025 };
/** GS1 prefix 952 is reserved by GS1 for examples. */
const GTIN = '09520123456788';
const ok = (gtin: string, expiry: string | null, lot: string | null) => ({ ok: true, gtin, expiry, lot });

describe('GS1 check digits', () => {
	it.each([
		['09520123456788', true],
		['09520123456781', false],
		['4901234567894', true], // GTIN-13 (JAN)
		['4901234567890', false],
		['96385074', true], // GTIN-8 example from GS1
		['036000291452', true], // UPC-A / GTIN-12
		['123', false],
		['0952012345678A', false]
	])('%s valid: %s', (gtin, valid) => {
		expect(isValidGtin(gtin)).toBe(valid);
	});

	it('property: the computed check digit validates, every other does not', () => {
		fc.assert(
			fc.property(digitString(13), fc.integer({ min: 1, max: 9 }), (body, shift) => {
				const check = gs1CheckDigit(body);
				expect(isValidGtin(body + check)).toBe(true);
				expect(isValidGtin(body + ((check + shift) % 10))).toBe(false);
			})
		);
	});
});

describe('parseGs1: forms and symbologies', () => {
	const expected = ok(GTIN, '2027-03-31', 'AB123');
	it.each([
		['human-readable', '(01)09520123456788(17)270331(10)AB123'],
		['human-readable with spaces', '(01) 09520123456788 (17) 270331 (10) AB123'],
		['human-readable, full-width typed', '（０１）０９５２０１２３４５６７８８（１７）２７０３３１（１０）ＡＢ１２３'],
		['raw, lot last needs no separator', '01095201234567881727033110AB123'],
		['raw, lot first ends with GS', `10AB123${GS}010952012345678817270331`],
		['GS1-128 ]C1', `]C101095201234567881727033110AB123`],
		['GS1 DataBar / composite ]e0', `]e001095201234567881727033110AB123`],
		['GS1 DataMatrix ]d2', `]d201095201234567881727033110AB123`],
		['GS1 QR ]Q3', `]Q301095201234567881727033110AB123`],
		['GS1 DotCode ]J1', `]J101095201234567881727033110AB123`],
		['leading FNC1 as GS', `${GS}01095201234567881727033110AB123`],
		['trailing GS and Enter from a wedge scanner', `01095201234567881727033110AB123${GS}\r\n`],
		['a superfluous GS after a fixed-length field', `0109520123456788${GS}1727033110AB123`]
	])('%s', (_, raw) => {
		expect(parseGs1(raw, Y)).toEqual(expected);
	});

	it('returns null expiry and lot when absent', () => {
		expect(parseGs1('(01)09520123456788', Y)).toEqual(ok(GTIN, null, null));
		expect(parseGs1(']C10109520123456788', Y)).toEqual(ok(GTIN, null, null));
	});

	it('reads day 00 as the last day of the month', () => {
		expect(parseGs1('(01)09520123456788(17)270200', Y)).toEqual(ok(GTIN, '2027-02-28', null));
		expect(parseGs1('(01)09520123456788(17)280200', Y)).toEqual(ok(GTIN, '2028-02-29', null));
		expect(parseGs1('(01)09520123456788(17)270400', Y)).toEqual(ok(GTIN, '2027-04-30', null));
		expect(parseGs1('(01)09520123456788(17)271200', Y)).toEqual(ok(GTIN, '2027-12-31', null));
	});

	it('places two-digit years by the GS1 century rule', () => {
		expect(gs1DateToIso('750101', 2025)).toBe('2075-01-01');
		expect(gs1DateToIso('760101', 2025)).toBe('1976-01-01');
		expect(gs1DateToIso('000101', 2025)).toBe('2000-01-01');
		expect(gs1DateToIso('290101', 2080)).toBe('2129-01-01');
		expect(gs1DateToIso('310101', 2080)).toBe('2031-01-01');
	});

	describe('default reference year', () => {
		afterEach(() => vi.useRealTimers());
		it('is the current year', () => {
			vi.useFakeTimers({ now: new Date('2090-06-01T00:00:00Z') });
			expect(parseGs1('(01)09520123456788(17)400101')).toEqual(ok(GTIN, '2140-01-01', null));
			vi.setSystemTime(new Date('2025-06-01T00:00:00Z'));
			expect(parseGs1('(01)09520123456788(17)400101')).toEqual(ok(GTIN, '2040-01-01', null));
		});
	});

	it.each([
		['(11) production date, fixed length', '0109520123456788112501011727033110AB123'],
		['(21) serial, variable, GS-terminated', `010952012345678821SN0001${GS}1727033110AB123`],
		['(3103) net weight, 4-digit fixed', '010952012345678831030012341727033110AB123'],
		['(410) ship-to GLN, 3-digit fixed', '0109520123456788' + '4109520000000017' + '17270331' + '10AB123'],
		['(7003) expiry time, 4-digit AI, variable', `0109520123456788${'7003'}2703311200${GS}1727033110AB123`],
		['(240) additional id, 3-digit variable', `0109520123456788240X-1/2${GS}1727033110AB123`],
		['(91) company internal', `010952012345678891INT(1)${GS}1727033110AB123`],
		['(00) SSCC, 18 digits', '00' + '095201234567890128' + '17270331' + '0109520123456788' + '10AB123'],
		['(20) variant, 2 digits', '0109520123456788' + '2005' + '17270331' + '10AB123']
	])('skips %s by its defined length', (_, raw) => {
		expect(parseGs1(raw, Y)).toEqual(ok(GTIN, '2027-03-31', 'AB123'));
	});

	it('accepts a repeated AI carrying the same value', () => {
		expect(parseGs1('(01)09520123456788(10)AB1(01)09520123456788', Y)).toEqual(ok(GTIN, null, 'AB1'));
	});
});

describe('parseGs1: errors', () => {
	const cases: [Gs1ErrorCode, string, string][] = [
		['GS1_FORMAT', 'empty', ''],
		['GS1_FORMAT', 'text', 'hello'],
		['GS1_FORMAT', 'human-readable not starting with an AI', 'x(01)09520123456788'],
		['GS1_FORMAT', 'human-readable fixed field too long', '(01)095201234567881'],
		['GS1_FORMAT', 'non-digits in a fixed numeric field', '(01)09520123456788(11)25AB01'],
		['GS1_FORMAT', 'a space in a variable field', '(01)09520123456788(21)A B'],
		['GS1_FORMAT', 'an empty variable field', `010952012345678821${GS}10AB`],
		['GS1_FORMAT', 'a variable field over 90 characters', `0109520123456788${'91'}${'A'.repeat(91)}`],
		['GS1_SYMBOLOGY', 'plain Code 128', ']C001095201234567881727033110AB123'],
		['GS1_SYMBOLOGY', 'plain DataMatrix', ']d101095201234567881727033110AB123'],
		['GS1_SYMBOLOGY', 'EAN-13', ']E04901234567894'],
		['GS1_UNKNOWN_AI', 'unassigned AI 05 (raw)', '0512345'],
		['GS1_UNKNOWN_AI', 'unassigned AI 50 after a GTIN (raw)', '010952012345678850123'],
		['GS1_UNKNOWN_AI', 'AI of the wrong length (human-readable)', '(01)09520123456788(240)X(2400)Y'],
		['GS1_UNKNOWN_AI', 'a 3-digit AI written with 2 digits', '(01)09520123456788(24)X'],
		['GS1_TRUNCATED', 'GTIN cut short (raw)', '01095201234567'],
		['GS1_TRUNCATED', 'GTIN cut short (human-readable)', '(01)0952012345678'],
		['GS1_TRUNCATED', 'expiry cut short', '01095201234567881727'],
		['GS1_TRUNCATED', 'GS inside a fixed field', `01095201234567881727${GS}0331`],
		['GS1_TRUNCATED', 'a 4-digit AI cut short', '01095201234567883103'],
		['GS1_DUPLICATE_AI', 'two different lots', '(01)09520123456788(10)AB1(10)AB2'],
		['GS1_GTIN_MISSING', 'lot and expiry only', '(17)270331(10)AB123'],
		['GS1_GTIN_MISSING', 'GTIN of contained items (02) is not the product', '(02)09520123456788(37)10'],
		['GS1_GTIN_FORMAT', 'letters in the GTIN', '(01)0952012345678X'],
		['GS1_GTIN_CHECK_DIGIT', 'one digit misread', '(01)09520123456781(17)270331'],
		['GS1_GTIN_CHECK_DIGIT', 'raw', ']e001095201234567811727033110AB123'],
		['GS1_EXPIRY_INVALID', 'month 13', '(01)09520123456788(17)271331'],
		['GS1_EXPIRY_INVALID', 'month 00', '(01)09520123456788(17)270031'],
		['GS1_EXPIRY_INVALID', '30 February', '(01)09520123456788(17)270230'],
		['GS1_EXPIRY_INVALID', '29 February in a common year', '(01)09520123456788(17)270229'],
		['GS1_EXPIRY_INVALID', '31 April', '(01)09520123456788(17)270431'],
		['GS1_EXPIRY_INVALID', 'letters', '(01)09520123456788(17)27O331'],
		['GS1_LOT_INVALID', 'a lot over 20 characters', `(01)09520123456788(10)${'A'.repeat(21)}`],
		['GS1_LOT_INVALID', 'a lot with a space', '(01)09520123456788(10)AB 123'],
		['GS1_LOT_INVALID', 'an empty lot', `]C1010952012345678810${GS}17270331`],
		['GS1_LOT_INVALID', 'a lot with a character outside CSET 82', '(01)09520123456788(10)AB#1'],
		['MY_NUMBER', 'a My Number as lot (human-readable)', '(01)09520123456788(10)123456789018'],
		[
			'MY_NUMBER',
			'a My Number as lot glued into a raw string',
			'0109520123456788' + '17270331' + '10' + '123456789018'
		],
		['MY_NUMBER', 'a My Number as serial', `010952012345678821123456789018${GS}10AB`]
	];

	it.each(cases)('%s: %s', (code, _, raw) => {
		const r = parseGs1(raw, Y);
		expect(r).toMatchObject({ ok: false, error: { code } });
		if (!r.ok) expect(r.error.message).toBe(GS1_ERROR_MESSAGES[code]);
	});

	it('has a test case and a Japanese message for every error code', () => {
		expect([...new Set(cases.map(([code]) => code))].sort()).toEqual([...GS1_ERROR_CODES].sort());
		for (const code of GS1_ERROR_CODES) expect(GS1_ERROR_MESSAGES[code]).toMatch(/[ぁ-んァ-ヶ一-龠]/);
	});

	it('never echoes input in a message', () => {
		for (const code of GS1_ERROR_CODES) expect(GS1_ERROR_MESSAGES[code]).not.toMatch(/\d{3,}/);
	});

	it('treats a non-string from untyped callers as a format error', () => {
		expect(parseGs1(undefined as unknown as string)).toMatchObject({ ok: false, error: { code: 'GS1_FORMAT' } });
	});
});

describe('parseGs1: properties', () => {
	const gtin = digitString(13).map((body) => body + gs1CheckDigit(body));
	const yymmdd = fc
		.tuple(fc.integer({ min: 0, max: 49 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 28 }))
		.map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, '0')).join(''));
	const lotChars = 'ABCDEFGHJKLMNPQRSTUVWXYZabcxyz0123456789-./_';
	const lot = fc.string({ unit: fc.constantFrom(...lotChars), minLength: 1, maxLength: 20 });
	/** AIs we skip: [ai, value, needs GS when not last]. */
	const other = fc.constantFrom<[string, string, boolean]>(
		['11', '250101', false],
		['21', 'SN-42', true],
		['3103', '001234', false],
		['410', '9520000000017', false],
		['7003', '2703311200', true],
		['240', 'X/1', true],
		['91', 'ABC', true],
		['20', '05', false]
	);
	const symbology = fc.constantFrom('', ']C1', ']e0', ']d2', ']Q3');

	const expiryOf = (v: string) => {
		const y = 2000 + Number(v.slice(0, 2));
		const m = Number(v.slice(2, 4));
		const d = Number(v.slice(4, 6));
		const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
		return `${y}-${String(m).padStart(2, '0')}-${String(d === 0 ? last : d).padStart(2, '0')}`;
	};

	it('recovers GTIN, expiry and lot from any order of elements, raw or human-readable', () => {
		fc.assert(
			fc.property(
				gtin,
				yymmdd,
				lot,
				fc.array(other, { maxLength: 3 }),
				symbology,
				fc.boolean(),
				(g, e, l, extras, sym, hri) => {
					const elements: [string, string, boolean][] = [
						['01', g, false],
						['17', e, false],
						['10', l, true],
						...extras
					];
					// A deterministic shuffle driven by the data keeps the property reproducible.
					elements.sort((a, b) => (a[1] + a[0]).localeCompare(b[1] + b[0]));
					const raw = hri
						? elements.map(([ai, v]) => `(${ai})${v}`).join('')
						: sym + elements.map(([ai, v, gs], i) => ai + v + (gs && i < elements.length - 1 ? GS : '')).join('');
					fc.pre(!containsMyNumber(raw) && !elements.some(([, v]) => containsMyNumber(v)));
					expect(parseGs1(raw, Y)).toEqual(ok(g, expiryOf(e), l));
				}
			)
		);
	});

	it('refuses any GTIN with a wrong check digit', () => {
		fc.assert(
			fc.property(digitString(13), fc.integer({ min: 1, max: 9 }), (body, shift) => {
				const bad = body + ((gs1CheckDigit(body) + shift) % 10);
				const r = parseGs1(`(01)${bad}`, Y);
				return !r.ok && r.error.code === 'GS1_GTIN_CHECK_DIGIT';
			})
		);
	});

	it('refuses any valid My Number hidden as a lot, without echoing it', () => {
		fc.assert(
			fc.property(validMyNumber, (n) => {
				const r = parseGs1(`]d2010952012345678810${n}`, Y);
				return !r.ok && r.error.code === 'MY_NUMBER' && !r.error.message.includes(n);
			})
		);
	});

	it('never throws on arbitrary input', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: fc.constantFrom('0', '1', '7', '(', ')', ']', 'C', 'd', GS, 'A', ' '), maxLength: 60 }),
				(raw) => {
					const r = parseGs1(raw, Y);
					if (r.ok) expect(isValidGtin(r.gtin)).toBe(true);
					else expect(GS1_ERROR_CODES).toContain(r.error.code);
				}
			)
		);
	});
});
