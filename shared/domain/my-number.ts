import { BATCH_ID_IN_TEXT } from './batch';
import { isUuid } from './codes';
import { isIsoDate } from './dates';
import { digitsOf } from './digits';
import { foldForReading } from './reading';

/**
 * 個人番号 (My Number) guard. A My Number must never reach the device, the sync stream or the
 * server, so every boundary refuses any value that is, or contains, twelve digits that pass the
 * check digit, however they are written. Nothing here returns, logs or echoes the digits found.
 *
 * Check digit: weights 6,5,4,3,2,7,6,5,4,3,2 on the first eleven digits left to right,
 * r = sum mod 11, check = 0 when r ≤ 1, else 11 − r.
 */
const WEIGHTS = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** Check digit for the first eleven digits. Throws on anything but eleven ASCII digits. */
export function myNumberCheckDigit(firstEleven: string): number {
	if (!/^\d{11}$/.test(firstEleven)) throw new RangeError('myNumberCheckDigit needs eleven digits');
	const sum = digitsOf(firstEleven).reduce((acc, d, i) => acc + d * WEIGHTS[i]!, 0);
	const r = sum % 11;
	return r <= 1 ? 0 : 11 - r;
}

/** Exactly 12 digits (in any script, after folding) with a valid check digit. */
export function isMyNumber(value: string): boolean {
	const v = foldForReading(value).text;
	if (!/^\d{12}$/.test(v)) return false;
	return passesCheck(v);
}

const passesCheck = (twelve: string) => myNumberCheckDigit(twelve.slice(0, 11)) === Number(twelve[11]);

/*
 * How the guard reads a value, the way a person would (DESIGN §2):
 *
 * 1. Fold (reading.ts): every Unicode decimal digit and the kanji numerals 〇一二三四五六七八九
 *    become ASCII digits; format characters (zero-width space, word joiner, soft hyphen…),
 *    combining marks and variation selectors disappear; NFKC folds full-width forms.
 * 2. A chain is digit groups joined by short runs (1–3 characters) of spaces, punctuation,
 *    dashes of every kind (‐ ‑ – — ― ー －), symbols or control characters. Candidates are
 *      - every group of exactly 12 digits;
 *      - a whole chain of exactly 12 digits (`1234.5678.9018`, `123456-789018`);
 *      - every maximal part of a chain joined by one and the same separator with exactly 12
 *        digits (`No.3, 123-456-789-018`);
 *      - every maximal streak of exactly three 4-digit groups (`3 1234 5678 9018`).
 *    Maximality matters: an 18-digit ticket, a 13-digit JAN code or a 16-digit card number
 *    written 4-4-4-4 contain 12-digit stretches that may pass the check by chance, and must not
 *    be refused.
 * 3. A chain made only of what reads as something else is left alone: dates and times
 *    (`2026/12/05 10:30`, `2026-12-05`, `12/05`, `10:30:00`, `12/05 10:30-11:45`), IPv4
 *    addresses, GS1 application identifiers in brackets (`(17)301231`) and international phone
 *    numbers (`+81 90 1234 5678`). Each is only itself when it does not run on with its own
 *    separator into more digits (`12:34:56:78:90:18` is not a time), and a chain that mixes it
 *    with other digits is read in full (`1234 12:34 5678`). A whole value that is one UUID is an
 *    identifier (ids made here never hold a My Number even inside text: shared/ids.ts). A batch
 *    id (`device UUID/site code/day`) is read as its three parts, not as one chain.
 * 4. A candidate is a My Number when its check digit holds.
 */
const SEPARATOR_CHAR = String.raw`[\s\p{Z}\p{P}\p{S}\p{Cc}\u30fc]`;
const CHAIN = new RegExp(String.raw`\d+(?:${SEPARATOR_CHAR}{1,3}\d+)*`, 'gu');

const inRange = (s: string | undefined, min: number, max: number) =>
	s !== undefined && Number(s) >= min && Number(s) <= max;

/**
 * What reads as something other than an identity number. Each pattern is anchored by the
 * lookarounds so that it is not part of a longer run with its own separator.
 */
const ASIDE: { pattern: RegExp; valid: (m: RegExpExecArray) => boolean }[] = [
	{
		// Date with optional time: 2026/12/05, 2026-12-05 10:30, 2026.12.05 10:30:15
		pattern:
			/(?<!\d|\d[/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?:[ \t\u3000]{1,2}(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?![\d/.:-]\d|\d)/gu,
		valid: (m) =>
			inRange(m[1], 1900, 2199) &&
			inRange(m[3], 1, 12) &&
			inRange(m[4], 1, 31) &&
			(m[5] === undefined ||
				(inRange(m[5], 0, 24) && inRange(m[6], 0, 59) && (m[7] === undefined || inRange(m[7], 0, 60))))
	},
	{
		// Month and day: 12/05
		pattern: /(?<!\d|\d\/)(\d{1,2})\/(\d{1,2})(?!\d|\/\d)/gu,
		valid: (m) => inRange(m[1], 1, 12) && inRange(m[2], 1, 31)
	},
	{
		// Time of day: 10:30, 10:30:15
		pattern: /(?<!\d|\d:)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d|:\d)/gu,
		valid: (m) => inRange(m[1], 0, 24) && inRange(m[2], 0, 59) && (m[3] === undefined || inRange(m[3], 0, 60))
	},
	{
		// IPv4 address: four canonical octets
		pattern: /(?<!\d|\d\.)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)/gu,
		valid: (m) => m.slice(1, 5).every((o) => inRange(o, 0, 255) && (o === '0' || !o.startsWith('0')))
	},
	{
		// GS1 element in human-readable form, application identifier and data: (17)301231
		pattern: /\(\d{2,4}\)[0-9A-Za-z]+/gu,
		valid: () => true
	},
	{
		// International phone number: +81 90-1234-5678
		pattern: /(?<!\d[\s\p{P}\p{S}]{0,2})\+\d{1,3}(?:[ \-.()]{1,2}\d{1,4}){2,4}(?!\d|[ \-.]\d)/gu,
		valid: () => true
	}
];

/** Marks the characters that belong to something that reads as other than an identity number. */
function asideMask(text: string): Uint8Array {
	const mask = new Uint8Array(text.length);
	for (const { pattern, valid } of ASIDE) {
		for (const m of text.matchAll(pattern)) if (valid(m)) mask.fill(1, m.index, m.index + m[0].length);
	}
	return mask;
}

interface Span {
	start: number;
	end: number;
}

/** Spans (in the folded text) of the 12-digit candidates that pass the check digit. */
function myNumberSpans(folded: string): Span[] {
	const found: Span[] = [];
	// Made only when a chain holds a candidate: most text has none, and the mask is the dearest step.
	let aside: Uint8Array | null = null;
	let inChain: Span[] = [];
	const consider = (digits: string, start: number, end: number) => {
		if (digits.length === 12 && passesCheck(digits)) inChain.push({ start, end });
	};
	for (const chain of folded.matchAll(CHAIN)) {
		const start = chain.index;
		const groups: { digits: string; start: number; end: number }[] = [];
		for (const g of chain[0].matchAll(/\d+/g))
			groups.push({ digits: g[0], start: start + g.index, end: start + g.index + g[0].length });
		const seps: string[] = [];
		inChain = [];
		for (let i = 1; i < groups.length; i++) seps.push(folded.slice(groups[i - 1]!.end, groups[i]!.start));
		const joined = (from: number, to: number) =>
			groups
				.slice(from, to)
				.map((g) => g.digits)
				.join('');
		const span = (from: number, to: number) => ({ start: groups[from]!.start, end: groups[to - 1]!.end });

		for (const g of groups) consider(g.digits, g.start, g.end);
		if (groups.length > 1) consider(joined(0, groups.length), start, start + chain[0].length);
		// Maximal parts joined by one and the same separator.
		for (let i = 0; i < seps.length;) {
			let j = i;
			while (j + 1 < seps.length && seps[j + 1] === seps[i]) j++;
			const from = i;
			const to = j + 2;
			if (!(from === 0 && to === groups.length)) {
				const s = span(from, to);
				consider(joined(from, to), s.start, s.end);
			}
			i = j + 1;
		}
		// Maximal streaks of exactly three 4-digit groups.
		for (let i = 0; i < groups.length;) {
			if (groups[i]!.digits.length !== 4) {
				i++;
				continue;
			}
			let j = i;
			while (j < groups.length && groups[j]!.digits.length === 4) j++;
			if (j - i === 3) {
				const s = span(i, j);
				consider(joined(i, j), s.start, s.end);
			}
			i = j;
		}
		if (inChain.length === 0) continue;
		// A chain made only of dates, times, addresses… is read as those, and nothing else.
		aside ??= asideMask(folded);
		const mask = aside;
		if (groups.every((g) => mask[g.start] === 1 && mask[g.end - 1] === 1)) continue;
		found.push(...inChain);
	}
	return found;
}

const NO_SPANS = { spans: [] as Span[], origin: (i: number) => i };

/**
 * Quick exit for ASCII text, which folding leaves as it is: every candidate lies inside one
 * chain (digit groups joined by 1–3 separators; in ASCII a separator is anything but a letter or
 * digit), so text whose every chain holds fewer than twelve digits holds no My Number. This
 * is most text the guard reads (timestamps, codes, ids, lots), and it allocates nothing.
 * Null for text that is not ASCII: that is read in full.
 */
function asciiWithoutTwelveDigitChain(text: string): boolean | null {
	let digits = 0;
	let separators = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c > 0x7f) return null;
		if (c >= 48 && c <= 57) {
			if (separators > 3) digits = 0;
			separators = 0;
			if (++digits >= 12) return false;
		} else if ((c | 0x20) >= 97 && (c | 0x20) <= 122) {
			digits = 0;
			separators = 0;
		} else separators++;
	}
	return true;
}

/**
 * A batch id, `device UUID/site code/YYYY-MM-DD` (shared/domain/batch.ts), wherever it sits: in
 * an event, a request path, a log line. Its three parts are read apart, as a person reads them:
 * a site code that ends in four digits would otherwise join the day into twelve digits
 * (`C-0001/2026-11-18` reads 000120261118, which passes the check), and about one service day
 * in eleven every dose of that site would be refused as a My Number, on the tablet and on the
 * server. The site code itself is still read, on its own. Returns the text with the slashes
 * inside each batch id made into a letter, which ends a chain: same length, same positions.
 */
function readBatchIdsApart(text: string): string {
	if (!text.includes('/')) return text;
	return text.replace(BATCH_ID_IN_TEXT, (id: string, day: string) => (isIsoDate(day) ? id.replaceAll('/', 'x') : id));
}

function spansIn(original: string): { spans: Span[]; origin: (i: number) => number } {
	const text = readBatchIdsApart(original);
	if (asciiWithoutTwelveDigitChain(text) === true || isUuid(text.toLowerCase())) return NO_SPANS;
	const folded = foldForReading(text);
	if (folded.digitCount < 12) return { spans: [], origin: folded.origin };
	return { spans: myNumberSpans(folded.text), origin: folded.origin };
}

export function stringContainsMyNumber(text: string): boolean {
	return spansIn(text).spans.length > 0;
}

/** What a redacted My Number becomes in a log line. */
export const MY_NUMBER_REDACTED = '[個人番号]';

/**
 * The text with every My Number (as the guard reads it, disguises included) replaced by
 * MY_NUMBER_REDACTED. Used by the logger, so that no log line can ever hold one.
 */
export function redactMyNumbers(text: string): string {
	const { spans, origin } = spansIn(text);
	if (spans.length === 0) return text;
	const ranges = spans.map((s) => ({ start: origin(s.start), end: origin(s.end) })).sort((a, b) => a.start - b.start);
	let out = '';
	let at = 0;
	for (const r of ranges) {
		if (r.end <= at) continue;
		out += text.slice(at, Math.max(at, r.start)) + MY_NUMBER_REDACTED;
		at = r.end;
	}
	return out + text.slice(at);
}

/** A value the walk of locateMyNumber reaches, and how: its key in its parent. */
interface Visit {
	value: unknown;
	key: string | number;
	parent: Visit | null;
}

/** The dot path of a visit, made only for the one value where a My Number was found. */
function pathOf(visit: Visit): string {
	const keys: (string | number)[] = [];
	for (let at: Visit | null = visit; at?.parent; at = at.parent) keys.push(at.key);
	return keys.reverse().join('.');
}

/**
 * Where the first My Number sits in a value: a dot path such as `vaccine.lot` or `items.2`
 * ('' for the value itself), or null when there is none. When the number is inside an object
 * key, the path is that of the object, so the key (which holds the number) is never repeated.
 * Walks strings, numbers, bigints, arrays, plain objects (keys too), Maps and Sets, iteratively
 * (deep nesting cannot overflow the stack) and visiting each object once. Binary data is skipped.
 * It runs on every event of every update, so it builds no path until it finds something.
 */
export function locateMyNumber(value: unknown): string | null {
	const seen = new Set<object>();
	const stack: Visit[] = [{ value, key: '', parent: null }];
	while (stack.length > 0) {
		const visit = stack.pop()!;
		const v = visit.value;
		if (typeof v === 'string') {
			if (stringContainsMyNumber(v)) return pathOf(visit);
			continue;
		}
		if (typeof v === 'number' || typeof v === 'bigint') {
			if (stringContainsMyNumber(String(v))) return pathOf(visit);
			continue;
		}
		if (v === null || typeof v !== 'object' || seen.has(v)) continue;
		seen.add(v);
		if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
		const from = stack.length;
		if (Array.isArray(v)) {
			for (let i = 0; i < v.length; i++) stack.push({ value: v[i], key: i, parent: visit });
		} else if (v instanceof Map) {
			let i = 0;
			for (const [k, item] of v) {
				stack.push({ value: k, key: i, parent: visit }, { value: item, key: i, parent: visit });
				i++;
			}
		} else if (v instanceof Set) {
			let i = 0;
			for (const item of v) stack.push({ value: item, key: i++, parent: visit });
		} else {
			for (const k of Object.keys(v)) {
				// Keys are checked as their object is visited.
				if (stringContainsMyNumber(k)) return pathOf(visit);
				stack.push({ value: (v as Record<string, unknown>)[k], key: k, parent: visit });
			}
		}
		// Children are walked in document order: the first pushed is popped first.
		for (let i = from, j = stack.length - 1; i < j; i++, j--) {
			const first = stack[i]!;
			stack[i] = stack[j]!;
			stack[j] = first;
		}
	}
	return null;
}

/** True when the value is or contains (in any string, number or object key) a My Number. */
export function containsMyNumber(value: unknown): boolean {
	return locateMyNumber(value) !== null;
}

export const MY_NUMBER_MESSAGE =
	'個人番号（マイナンバー）と思われる数字は入力できません。接種券の番号を入力してください。';
