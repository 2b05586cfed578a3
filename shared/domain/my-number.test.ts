import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	containsMyNumber,
	isMyNumber,
	locateMyNumber,
	MY_NUMBER_MESSAGE,
	MY_NUMBER_REDACTED,
	myNumberCheckDigit,
	redactMyNumbers
} from './my-number';
import { MAX_RECORD_YEAR, MIN_RECORD_YEAR } from './dates';
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
		['inside a UUID-like id in a path (12-digit last group)', '/devices/01936f4e-1c2a-7b3d-8e4f-123456789018/revoke'],
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

/*
 * The guard reads like a person (DESIGN §2, issue 12): the disguises below were all receipted
 * from a device or stored by the office before, and must all be found now.
 */
describe('disguised My Numbers', () => {
	it.each([
		['dots', '1234.5678.9018'],
		['slashes', '1234/5678/9018'],
		['commas', '1234,5678,9018'],
		['underscores', '1234_5678_9018'],
		['double dashes', '1234--5678--9018'],
		['3-3-3-3', '123-456-789-018'],
		['6-6', '123456-789018'],
		['2-2-2-2-2-2', '12-34-56-78-90-18'],
		['mixed separators', '1234.5678-9018'],
		['colons', '1234:5678:9018'],
		['a 3-3-3-3 after another number', 'No.3, 123-456-789-018'],
		['zero-width spaces', '1234\u200b5678\u200b9018'],
		['word joiners', '123456\u2060789018'],
		['soft hyphens', '1234\u00ad5678\u00ad9018'],
		['a BOM and bidi marks', '\ufeff1234\u200e5678\u200f9018'],
		['variation selectors', '1\ufe0f23456789018'],
		['a non-breaking and a thin space', '1234\u00a05678\u20099018'],
		['Arabic-Indic digits', '١٢٣٤٥٦٧٨٩٠١٨'],
		['Extended Arabic-Indic digits', '۱۲۳۴۵۶۷۸۹۰۱۸'],
		['Devanagari digits', '१२३४५६७८९०१८'],
		['Thai digits', '๑๒๓๔๕๖๗๘๙๐๑๘'],
		['kanji numerals', '一二三四五六七八九〇一八'],
		['kanji numerals grouped', '一二三四・五六七八・九〇一八'],
		['katakana long vowel marks as dashes', '1234ー5678ー9018'],
		['full-width dashes and digits', '１２３４－５６７８－９０１８'],
		['figure and en dashes', '1234‒5678–9018'],
		['a NUL between groups', '1234\u00005678\u00009018'],
		['a keycap sequence', '1\u20e323456789018'],
		['time-like pairs that run on', '12:34:56:78:90:18'],
		['a time among other groups', '1234 12:34 5678']
	])('finds one written with %s', (_, text) => {
		expect(containsMyNumber(text)).toBe(true);
		expect(containsMyNumber({ note: `備考 ${text} です` })).toBe(true);
	});

	it.each([
		['a UUID, as a whole value', '01936f4e-1c2a-7b3d-8e4f-123456789018'],
		['an ISO date and time', '2026-12-05T10:30:15.123Z'],
		['a date and time written 2026/12/05 10:30 (12 digits)', '2026/12/05 10:30'],
		['a time before a date (12 digits)', '10:30 2026/12/05'],
		['a day and a time range (12 digits)', '12/05 10:30-11:45'],
		['an IPv4 address with 12 digits', '192.168.100.201'],
		['an international phone number with 12 digits', 'TEL +81 90-1234-5678'],
		['an international phone number, spaces', '+81 90 1234 5678'],
		['a domestic mobile number', '090-1234-5678'],
		['a GS1 element string with a numeric lot', '(01)04987123456789(17)301231(10)1234567890'],
		['a GS1 date and numeric lot (12 digits)', '(17)301231(10)123456'],
		['an 18-digit ticket grouped', '1 1 131016 1234567890'],
		['a 16-digit card number grouped', '1234-5678-9018-0000']
	])('leaves alone %s', (_, text) => {
		expect(containsMyNumber(text)).toBe(false);
	});

	describe('a batch id, read as device id, site code and day', () => {
		const device = '01a24870-f5a6-7045-b5ba-c823a9e46ee7';
		// Site codes whose last four digits join 2026-11-18 into 000120261118, a valid My Number.
		it.each([
			['as a whole value', `${device}/C-0001/2026-11-18`],
			['with an all-digit site code', `${device}/0001/2026-11-18`],
			['in a request path', `/api/office/batches/${device}/C-0001/2026-11-18/check`],
			['in a log line', `batch ${device}/V0001/2026-11-18 closed`]
		])('leaves it alone %s', (_, text) => {
			expect(containsMyNumber(text)).toBe(false);
			expect(redactMyNumbers(text)).toBe(text);
		});

		it('still reads the site code on its own', () => {
			expect(containsMyNumber(`${device}/123456789018/2026-11-18`)).toBe(true);
			expect(containsMyNumber(`${device}/1234-5678-9018/2026-11-18`)).toBe(true);
		});

		it('reads the chain in full when it is not a batch id', () => {
			expect(containsMyNumber('x/C-0001/2026-11-18')).toBe(true); // no device id
			expect(containsMyNumber(`${device}/C-0001/2026-13-04`)).toBe(true); // no such day
			expect(containsMyNumber(`${device}/C-0001/2026-11-18_x`)).toBe(true); // runs on
		});
	});

	it('redacts every My Number in a line, disguises included, and leaves the rest', () => {
		expect(redactMyNumbers('DELETE /api/office/lots/comirnaty/123456789018\u0000 failed')).toBe(
			`DELETE /api/office/lots/comirnaty/${MY_NUMBER_REDACTED}\u0000 failed`
		);
		expect(redactMyNumbers('a 1234.5678.9018 b 1234\u200b5678\u200b9018 c')).toBe(
			`a ${MY_NUMBER_REDACTED} b ${MY_NUMBER_REDACTED} c`
		);
		expect(redactMyNumbers('ticket 121310160000067890 at 2026/12/05 10:30')).toBe(
			'ticket 121310160000067890 at 2026/12/05 10:30'
		);
		expect(redactMyNumbers('１２３４５６７８９０１８')).toBe(MY_NUMBER_REDACTED);
		expect(redactMyNumbers('no digits')).toBe('no digits');
	});
});

/** Digits of other scripts a person reads as digits: [zero code point] per script. */
const DIGIT_ZEROS = [
	0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xae6, 0xbe6, 0xe50, 0xed0, 0xf20, 0x1040, 0x17e0, 0x1d7ce, 0x1d7ec
];
const KANJI = '〇一二三四五六七八九';
const writeDigit = (d: number, style: number) =>
	style === DIGIT_ZEROS.length ? KANJI[d]! : String.fromCodePoint(DIGIT_ZEROS[style]! + d);
const INVISIBLES = ['\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\ufeff', '\u200e', '\ufe0f', '\u034f'];
/** Separator characters people (and attackers) put between digit groups. */
const SEPARATORS = [
	' ',
	'\u3000',
	'\u00a0',
	'\u2009',
	'\t',
	'.',
	'/',
	',',
	'_',
	'-',
	'‐',
	'‑',
	'‒',
	'–',
	'—',
	'―',
	'ー',
	'－',
	'・',
	':',
	'*',
	'|',
	'~',
	'+',
	'#',
	'、',
	'。',
	'･',
	'＿'
];
/** Separators that cannot make a group read as a date, time, address or phone number. */
const PLAIN_SEPARATORS = SEPARATORS.filter((c) => !':/.+'.includes(c));

const separatorRun = (chars: string[]) =>
	fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));

/** A valid My Number in a generated disguise: any grouping, digits of any script, invisibles. */
const disguised = fc
	.record({
		n: validMyNumber,
		cuts: fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
		uniform: fc.boolean(),
		sep: separatorRun(SEPARATORS),
		mixed: fc.array(separatorRun(PLAIN_SEPARATORS), { minLength: 11, maxLength: 11 }),
		styles: fc.array(fc.integer({ min: 0, max: DIGIT_ZEROS.length }), { minLength: 12, maxLength: 12 }),
		invisible: fc.array(fc.option(fc.constantFrom(...INVISIBLES), { freq: 3 }), { minLength: 12, maxLength: 12 }),
		before: fence,
		after: fenceAfter
	})
	.map(({ n, cuts, uniform, sep, mixed, styles, invisible, before, after }) => {
		let out = before;
		for (let i = 0; i < 12; i++) {
			if (cuts.includes(i)) out += uniform ? sep : mixed[i - 1]!;
			out += writeDigit(Number(n[i]), styles[i]!) + (invisible[i] ?? '');
		}
		return out + after;
	});

/** Legitimate values that must never be refused. */
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const date = fc.record({
	y: fc.integer({ min: 1990, max: 2100 }),
	m: fc.integer({ min: 1, max: 12 }),
	d: fc.integer({ min: 1, max: 28 })
});
const time = fc.record({
	h: fc.integer({ min: 0, max: 23 }),
	mi: fc.integer({ min: 0, max: 59 }),
	s: fc.integer({ min: 0, max: 59 })
});
const gtin13 = digitString(12).map((d) => {
	const sum = Array.from(d).reduce((acc, c, i) => acc + Number(c) * (i % 2 === 0 ? 1 : 3), 0);
	return d + ((10 - (sum % 10)) % 10);
});
const legitimate = fc.oneof(
	digitString(18), // a ticket in its own field
	fc.uuid(),
	fc
		.tuple(date, time)
		.map(
			([{ y, m, d }, { h, mi, s }]) => `${y}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.000Z`
		),
	fc.tuple(date, time).map(([{ y, m, d }, { h, mi }]) => `${y}/${pad(m, 2)}/${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}`),
	fc.tuple(date, time).map(([{ y, m, d }, { h, mi }]) => `${y}-${pad(m, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}`),
	fc.tuple(date, time, time).map(([{ m, d }, a, b]) => `${m}/${d} ${a.h}:${pad(a.mi, 2)}-${b.h}:${pad(b.mi, 2)}`),
	fc
		.tuple(fc.integer({ min: 1, max: 4 }), digitString(9), fc.constantFrom('-', ' ', ''))
		.map(([area, d, sep]) => `0${d.slice(0, area)}${sep}${d.slice(area, 5)}${sep}${d.slice(5)}`), // landline, 10 digits
	fc
		.tuple(fc.constantFrom('5', '7', '8', '9'), digitString(8), fc.constantFrom('-', ' ', ''))
		.map(([k, d, sep]) => `0${k}0${sep}${d.slice(0, 4)}${sep}${d.slice(4)}`), // mobile, 11 digits
	fc.tuple(digitString(2), digitString(4), digitString(4)).map(([a, b, c]) => `+81 ${a}-${b}-${c}`), // international phone
	fc.tuple(fc.ipV4()).map(([ip]) => ip),
	gtin13,
	gtin13.map((g) => '0' + g), // GTIN-14
	fc
		.tuple(
			// A device id as shared/ids.ts makes it; a site code of up to eleven digits, so that
			// the code alone cannot hold a My Number.
			fc.uuid().filter((u) => !containsMyNumber(`/${u}/`)),
			fc.stringMatching(/^[A-Za-z]{0,3}[-_]?[0-9]{1,11}$/),
			date.filter(({ y }) => y >= MIN_RECORD_YEAR && y <= MAX_RECORD_YEAR) // a service day
		)
		.map(([device, site, { y, m, d }]) => `${device}/${site}/${y}-${pad(m, 2)}-${pad(d, 2)}`), // a batch id
	fc
		.tuple(gtin13, date, fc.stringMatching(/^[0-9A-Z]{1,12}$/))
		.map(([g, { y, m, d }, lot]) => `(01)0${g}(17)${pad(y % 100, 2)}${pad(m, 2)}${pad(d, 2)}(10)${lot}`),
	fc
		.tuple(date, fc.stringMatching(/^[0-9]{1,10}$/))
		.map(([{ y, m, d }, lot]) => `(17)${pad(y % 100, 2)}${pad(m, 2)}${pad(d, 2)}(10)${lot}`),
	fc.stringMatching(/^[A-Z]{2}[0-9]{4,6}$/) // a lot
);

describe('the guard, both ways (properties)', () => {
	it('finds every generated My Number in every generated disguise', () => {
		fc.assert(
			fc.property(disguised, (text) => {
				expect(containsMyNumber(text)).toBe(true);
				expect(redactMyNumbers(text)).toContain(MY_NUMBER_REDACTED);
				expect(containsMyNumber(redactMyNumbers(text))).toBe(false);
			}),
			{ numRuns: 2000 }
		);
	});

	it('never finds one in a generated legitimate value', () => {
		fc.assert(
			fc.property(legitimate, (value) => {
				expect(containsMyNumber(value)).toBe(false);
				expect(redactMyNumbers(value)).toBe(value);
			}),
			{ numRuns: 2000 }
		);
	});

	it('reads ASCII text the same with and without the quick exit', () => {
		// The quick exit (no chain of twelve digits in ASCII text) skips the full reading; a
		// zero-width space appended, which folding drops, forces the full reading of the same text.
		const piece = fc.oneof(
			digitString(1).chain((d) => fc.constant(d)),
			fc.integer({ min: 1, max: 6 }).chain((n) => digitString(n)),
			validMyNumber,
			fc.constantFrom('-', '.', '/', ' ', ':', '  ', '--', '----', '\t', 'a', 'Z', 'No.', '+', '(17)', 'T')
		);
		fc.assert(
			fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
				const text = pieces.join('');
				expect(containsMyNumber(text)).toBe(containsMyNumber(`${text}\u200b`));
				expect(locateMyNumber({ a: [text] })).toBe(containsMyNumber(text) ? 'a.0' : null);
			}),
			{ numRuns: 3000 }
		);
	});
});
