import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsMyNumber, isMyNumber, locateMyNumber, MY_NUMBER_MESSAGE, myNumberCheckDigit } from './my-number';
import { digitString, fullWidthDigits as fullWidth, validMyNumber } from './testing/arbitraries';
/** Twelve digits whose last digit is not the check digit. */
const invalidMyNumber = fc
	.tuple(digitString(11), fc.integer({ min: 1, max: 9 }))
	.map(([eleven, shift]) => eleven + ((myNumberCheckDigit(eleven) + shift) % 10));

/** Text around a number that cannot extend its digit run or its 4-4-4 grouping. */
const fence = fc.constantFrom('', 'No.', '番号:', 'abc ', '（', '#', 'x');
const fenceAfter = fc.constantFrom('', '号', ' です', ')', '!', 'x');

const group444 = (n: string, sep: string) => `${n.slice(0, 4)}${sep}${n.slice(4, 8)}${sep}${n.slice(8)}`;

describe('My Number check digit', () => {
	it.each([
		['123456789018', 'sum 212, r = 3, check 11 − 3 = 8'],
		['000000000000', 'r = 0 gives check 0'],
		['200000000000', 'r = 1 (2 × 6 = 12) gives check 0, unlike a municipality code'],
		['020000000001', 'r = 10 (2 × 5) gives check 1'],
		['000001000004', 'r = 7 (1 × 7) gives check 4'],
		['１２３４５６７８９０１８', 'full-width digits']
	])('%s is a My Number (%s)', (value) => {
		expect(isMyNumber(value)).toBe(true);
	});

	it.each([
		['123456789010', 'wrong check digit'],
		['200000000001', 'wrong check digit for r = 1'],
		['12345678901', 'eleven digits'],
		['1234567890180', 'thirteen digits'],
		['1234 5678 9018', 'separators are not part of an exact value'],
		['12345678901a', 'a letter'],
		['', 'empty']
	])('%s is not a My Number (%s)', (value) => {
		expect(isMyNumber(value)).toBe(false);
	});

	it('refuses to compute a check digit for anything but eleven digits', () => {
		expect(() => myNumberCheckDigit('1234567890')).toThrow(RangeError);
	});

	it('property: generated valid My Numbers pass, generated invalid ones fail', () => {
		fc.assert(fc.property(validMyNumber, (n) => isMyNumber(n)));
		fc.assert(fc.property(invalidMyNumber, (n) => !isMyNumber(n)));
	});
});

describe('containsMyNumber', () => {
	it.each([
		['plain', '123456789018'],
		['in text', '備考: 123456789018 を確認'],
		['4-4-4 with spaces', '1234 5678 9018'],
		['4-4-4 with hyphens', '1234-5678-9018'],
		['4-4-4 with ideographic spaces and full-width digits', '１２３４　５６７８　９０１８'],
		['4-4-4 with full-width hyphens', '1234－5678－9018'],
		['4-4-4 with a long dash and spaces', '1234 — 5678 — 9018'],
		['4-4-4 after an unrelated short number', '3 1234 5678 9018'],
		['inside a UUID-like id (12-digit last group)', '01936f4e-1c2a-7b3d-8e4f-123456789018'],
		['mathematical digits (NFKC)', '𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟏𝟖']
	])('finds one %s', (_, text) => {
		expect(containsMyNumber(text)).toBe(true);
	});

	it.each([
		['13-digit run (JAN code + digit)', '1234567890180'],
		['11 digits', '12345678901'],
		['18-digit ticket', '111310161234567890'],
		['16 digits in 4-4-4-4 groups', '1234 5678 9018 0000'],
		['4-4-4 glued to a digit', '1234 5678 90181'],
		['invalid check digit', '1234 5678 9010'],
		['no digits', 'ワクチン'],
		['4-4-3 groups', '1234 5678 901']
	])('finds none in %s', (_, text) => {
		expect(containsMyNumber(text)).toBe(false);
	});

	it('walks numbers, arrays, objects, keys, Maps and Sets', () => {
		expect(containsMyNumber(123456789018)).toBe(true);
		expect(containsMyNumber(123456789018n)).toBe(true);
		expect(containsMyNumber(['a', ['b', { c: '123456789018' }]])).toBe(true);
		expect(containsMyNumber({ '123456789018': true })).toBe(true);
		expect(containsMyNumber(new Map([['k', '123456789018']]))).toBe(true);
		expect(containsMyNumber(new Map([['123456789018', 'v']]))).toBe(true);
		expect(containsMyNumber(new Set(['123456789018']))).toBe(true);
		expect(containsMyNumber({ a: 1, b: [true, null, undefined], c: { d: '1234' } })).toBe(false);
		expect(containsMyNumber(null)).toBe(false);
		expect(containsMyNumber(undefined)).toBe(false);
		expect(containsMyNumber(true)).toBe(false);
	});

	it('survives cycles and deep nesting', () => {
		const cyclic: Record<string, unknown> = { a: 'x' };
		cyclic.self = cyclic;
		expect(containsMyNumber(cyclic)).toBe(false);
		cyclic.b = '123456789018';
		expect(containsMyNumber(cyclic)).toBe(true);
		let deep: unknown = '123456789018';
		for (let i = 0; i < 100_000; i++) deep = [deep];
		expect(containsMyNumber(deep)).toBe(true);
	});

	it('locates the value without repeating a key that holds the number', () => {
		expect(locateMyNumber({ a: { b: ['x', 'id 123456789018'] } })).toBe('a.b.1');
		expect(locateMyNumber({ a: { '123456789018': 1 } })).toBe('a');
		expect(locateMyNumber('123456789018')).toBe('');
		expect(locateMyNumber({ a: 'clean' })).toBeNull();
	});

	it('never includes digits in its message', () => {
		expect(MY_NUMBER_MESSAGE).not.toMatch(/\d/);
	});

	it('property: a valid My Number is found plain, 4-4-4 grouped or full-width, amid fencing text', () => {
		fc.assert(
			fc.property(validMyNumber, fence, fenceAfter, fc.constantFrom(' ', '-', '　', ' - '), (n, before, after, sep) => {
				expect(containsMyNumber(before + n + after)).toBe(true);
				expect(containsMyNumber(before + group444(n, sep) + after)).toBe(true);
				expect(containsMyNumber(before + fullWidth(n) + after)).toBe(true);
				expect(containsMyNumber({ field: [before + n + after] })).toBe(true);
			})
		);
	});

	it('property: a valid My Number glued to more digits is part of a longer number, not refused', () => {
		fc.assert(
			fc.property(validMyNumber, digitString(1), digitString(1), (n, x, y) => {
				expect(containsMyNumber(x + n)).toBe(false);
				expect(containsMyNumber(n + y)).toBe(false);
				expect(containsMyNumber(group444(n, ' ') + ' ' + x + y + x + y)).toBe(false);
			})
		);
	});

	it('property: a twelve-digit run with a wrong check digit is not refused', () => {
		fc.assert(fc.property(invalidMyNumber, fence, (n, before) => !containsMyNumber(before + n)));
	});

	it('property: an 18-digit ticket line is never refused, whatever its digits', () => {
		fc.assert(fc.property(digitString(18), (t) => !containsMyNumber(t)));
	});
});
