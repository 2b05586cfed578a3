/**
 * Reads a value the way a person sees it, for the My Number guard: every decimal digit of any
 * script becomes its ASCII digit, invisible characters disappear, and compatibility forms
 * (full-width, circled, mathematical) are folded by NFKC. The result keeps, for each of its
 * characters, where it came from in the original, so a finding can be redacted in place.
 */

const KANJI_DIGITS: Record<string, string> = {
	〇: '0',
	一: '1',
	二: '2',
	三: '3',
	四: '4',
	五: '5',
	六: '6',
	七: '7',
	八: '8',
	九: '9'
};

const DECIMAL_DIGIT = /\p{Nd}/u;
// Format characters (zero-width space, word joiner, soft hyphen, bidi marks…), combining marks
// and variation selectors: a reader does not see them between two digits.
const INVISIBLE = /[\p{Cf}\p{M}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]/u;

/**
 * Unicode assigns decimal digits only in contiguous runs of ten, 0 to 9 (a stability policy),
 * so a digit's value is its distance from the start of its run of digits, modulo ten.
 */
function decimalValue(codePoint: number): number {
	let start = codePoint;
	while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
	return (codePoint - start) % 10;
}

// Folding one non-ASCII code point is pure; the cache is bounded so hostile input of many
// distinct characters cannot grow it without limit.
const CACHE_LIMIT = 4096;
const cache = new Map<number, string>();

function foldCodePoint(codePoint: number): string {
	const hit = cache.get(codePoint);
	if (hit !== undefined) return hit;
	let out = '';
	for (const ch of String.fromCodePoint(codePoint).normalize('NFKC')) {
		const cp = ch.codePointAt(0)!;
		if (cp < 0x80) out += ch;
		else if (KANJI_DIGITS[ch] !== undefined) out += KANJI_DIGITS[ch];
		else if (DECIMAL_DIGIT.test(ch)) out += String(decimalValue(cp));
		else if (!INVISIBLE.test(ch)) out += ch;
	}
	if (cache.size < CACHE_LIMIT) cache.set(codePoint, out);
	return out;
}

export interface Reading {
	/** The folded text: digits are ASCII, invisible characters gone. */
	text: string;
	/** How many ASCII digits the folded text holds. */
	digitCount: number;
	/** The index in the original text of the folded text's index i (i may be text.length). */
	origin(i: number): number;
}

/** ASCII reads as it is written: the reading of an ASCII value is the value itself. */
function asciiReading(value: string): Reading | null {
	let digitCount = 0;
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c > 0x7f) return null;
		if (c >= 48 && c <= 57) digitCount++;
	}
	return { text: value, digitCount, origin: (at) => at };
}

export function foldForReading(value: string): Reading {
	const ascii = asciiReading(value);
	if (ascii) return ascii;
	let text = '';
	let digitCount = 0;
	const origins: number[] = [];
	let i = 0;
	for (const ch of value) {
		const cp = ch.codePointAt(0)!;
		const folded = cp < 0x80 ? ch : foldCodePoint(cp);
		for (let k = 0; k < folded.length; k++) {
			const c = folded.charCodeAt(k);
			if (c >= 48 && c <= 57) digitCount++;
			origins.push(i);
		}
		text += folded;
		i += ch.length;
	}
	origins.push(i);
	return { text, digitCount, origin: (at) => origins[at] ?? value.length };
}
