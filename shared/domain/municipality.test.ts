import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidMunicipalityCode, municipalityCheckDigit } from './municipality';

/** Real 全国地方公共団体コード from DESIGN §2. */
const REAL = [
	{ code: '131016', name: '千代田区' },
	{ code: '131041', name: '新宿区' },
	{ code: '131130', name: '渋谷区' },
	{ code: '011002', name: '札幌市' },
	{ code: '242039', name: '伊勢市' },
	{ code: '112453', name: 'ふじみ野市' },
	{ code: '352063', name: '防府市' },
	{ code: '092037', name: '栃木市' }
] as const;

const weightedRemainder = (five: string) => [...five].reduce((s, d, i) => s + Number(d) * [6, 5, 4, 3, 2][i]!, 0) % 11;

/** Five digits whose prefecture part is 01–47. */
const prefix = fc
	.tuple(fc.integer({ min: 1, max: 47 }), fc.integer({ min: 0, max: 999 }))
	.map(([pref, rest]) => String(pref).padStart(2, '0') + String(rest).padStart(3, '0'));

describe('municipality codes (JIS X 0402)', () => {
	it.each(REAL)('$code $name is valid', ({ code }) => {
		expect(isValidMunicipalityCode(code)).toBe(true);
		expect(municipalityCheckDigit(code.slice(0, 5))).toBe(Number(code[5]));
	});

	it.each(REAL)('$code with any other check digit is invalid', ({ code }) => {
		for (let d = 0; d <= 9; d++) {
			if (d === Number(code[5])) continue;
			expect(isValidMunicipalityCode(code.slice(0, 5) + d)).toBe(false);
		}
	});

	it('maps remainder 0 to check digit 1 (新宿区) and remainder 1 to 0 (渋谷区)', () => {
		expect(weightedRemainder('13104')).toBe(0);
		expect(municipalityCheckDigit('13104')).toBe(1);
		expect(weightedRemainder('13113')).toBe(1);
		expect(municipalityCheckDigit('13113')).toBe(0);
	});

	it.each([
		['', 'empty'],
		['13101', 'five digits'],
		['1310160', 'seven digits'],
		['13101a', 'a letter'],
		['131 016', 'a space'],
		['000001', 'prefecture 00 (the check digit of 00000 is 1)'],
		['481009', 'prefecture 48 does not exist (check digit right)'],
		['991007', 'prefecture 99 does not exist (check digit right)']
	])('rejects %j (%s)', (code) => {
		expect(isValidMunicipalityCode(code)).toBe(false);
	});

	it('checks the arithmetic of the prefecture cases above', () => {
		expect(municipalityCheckDigit('00000')).toBe(1);
		expect(municipalityCheckDigit('48100')).toBe(9);
		expect(municipalityCheckDigit('99100')).toBe(7);
		// 那覇市 (472018), in 沖縄県, the last prefecture, is accepted.
		expect(municipalityCheckDigit('47201')).toBe(8);
		expect(isValidMunicipalityCode('472018')).toBe(true);
	});

	it('accepts full-width digits', () => {
		expect(isValidMunicipalityCode('１３１０１６')).toBe(true);
		expect(isValidMunicipalityCode('１３１０１７')).toBe(false);
	});

	it('refuses to compute a check digit for anything but five digits', () => {
		expect(() => municipalityCheckDigit('1310')).toThrow(RangeError);
		expect(() => municipalityCheckDigit('1310a')).toThrow(RangeError);
	});

	it('property: the computed check digit validates, every other digit does not', () => {
		fc.assert(
			fc.property(prefix, fc.integer({ min: 0, max: 9 }), (five, other) => {
				const check = municipalityCheckDigit(five);
				expect(check).toBe((11 - weightedRemainder(five)) % 10);
				expect(isValidMunicipalityCode(five + check)).toBe(true);
				if (other !== check) expect(isValidMunicipalityCode(five + other)).toBe(false);
			})
		);
	});

	it('property: swapping two different adjacent digits of the first five is caught unless the remainders collide', () => {
		fc.assert(
			fc.property(prefix, fc.integer({ min: 0, max: 3 }), (five, i) => {
				const swapped = five.slice(0, i) + five[i + 1] + five[i] + five.slice(i + 2);
				fc.pre(swapped !== five && Number(swapped.slice(0, 2)) >= 1 && Number(swapped.slice(0, 2)) <= 47);
				const original = five + municipalityCheckDigit(five);
				const misread = swapped + original[5];
				const collide = (11 - weightedRemainder(swapped)) % 10 === (11 - weightedRemainder(five)) % 10;
				expect(isValidMunicipalityCode(misread)).toBe(collide);
			})
		);
	});
});
