import { digitsOf, toAsciiDigits } from './digits';

/**
 * 個人番号 (My Number) guard. A My Number must never reach the device, the sync stream or the
 * server, so every entry path refuses any value that is, or contains, a 12-digit run that
 * passes the check digit. Nothing here returns, logs or echoes the digits it found.
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

/** Exactly 12 digits (after full-width normalisation) with a valid check digit. */
export function isMyNumber(value: string): boolean {
	const v = toAsciiDigits(value);
	if (!/^\d{12}$/.test(v)) return false;
	return myNumberCheckDigit(v.slice(0, 11)) === Number(v[11]);
}

/*
 * Candidates in free text. The text is NFKC-normalised first, so full-width, mathematical and
 * other compatibility digits count as digits. A "chain" is digit runs joined by separators
 * (whitespace, or one dash with optional whitespace around it). Candidates are
 *  - every maximal digit run of exactly 12 digits, and
 *  - every maximal streak of exactly three 4-digit groups in a chain (4-4-4 writing).
 * Maximality matters: an 18-digit ticket, a 13-digit JAN code or a 16-digit card number written
 * 4-4-4-4 contain 12-digit stretches that may pass the check by chance, and must not be refused.
 */
// The dash alternative comes first so that `split` takes " - " whole rather than its first space.
const SEPARATOR = String.raw`(?:\s*[-\u2010-\u2015\u2212\u30fc]\s*|\s+)`;
const CHAIN = new RegExp(String.raw`\d+(?:${SEPARATOR}\d+)*`, 'g');
const SPLIT = new RegExp(SEPARATOR);

function* candidatesIn(text: string): Generator<string> {
	const normalised = text.normalize('NFKC');
	for (const chain of normalised.matchAll(CHAIN)) {
		const groups = chain[0].split(SPLIT);
		for (const g of groups) if (g.length === 12) yield g;
		let i = 0;
		while (i < groups.length) {
			if (groups[i]!.length !== 4) {
				i++;
				continue;
			}
			let j = i;
			while (j < groups.length && groups[j]!.length === 4) j++;
			if (j - i === 3) yield groups.slice(i, j).join('');
			i = j;
		}
	}
}

export function stringContainsMyNumber(text: string): boolean {
	for (const candidate of candidatesIn(text)) {
		if (isMyNumber(candidate)) return true;
	}
	return false;
}

/**
 * Where the first My Number sits in a value: a dot path such as `vaccine.lot` or `items.2`
 * ('' for the value itself), or null when there is none. When the number is inside an object
 * key, the path is that of the object, so the key (which holds the number) is never repeated.
 * Walks strings, numbers, bigints, arrays, plain objects (keys too), Maps and Sets, iteratively
 * (deep nesting cannot overflow the stack) and visiting each object once. Binary data is skipped.
 */
export function locateMyNumber(value: unknown): string | null {
	const seen = new Set<object>();
	const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
	const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
	while (stack.length > 0) {
		const { value: v, path } = stack.pop()!;
		if (typeof v === 'string') {
			if (stringContainsMyNumber(v)) return path;
			continue;
		}
		if (typeof v === 'number' || typeof v === 'bigint') {
			if (stringContainsMyNumber(String(v))) return path;
			continue;
		}
		if (v === null || typeof v !== 'object' || seen.has(v)) continue;
		seen.add(v);
		if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
		const children: { value: unknown; path: string }[] = [];
		if (Array.isArray(v)) {
			v.forEach((item, i) => children.push({ value: item, path: join(path, String(i)) }));
		} else if (v instanceof Map) {
			let i = 0;
			for (const [k, item] of v) {
				children.push({ value: k, path: join(path, String(i)) }, { value: item, path: join(path, String(i)) });
				i++;
			}
		} else if (v instanceof Set) {
			let i = 0;
			for (const item of v) children.push({ value: item, path: join(path, String(i++)) });
		} else {
			for (const [k, item] of Object.entries(v)) {
				if (stringContainsMyNumber(k)) return path;
				children.push({ value: item, path: join(path, k) });
			}
		}
		// Keys are checked as their object is visited; values are walked in document order.
		for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
	}
	return null;
}

/** True when the value is or contains (in any string, number or object key) a My Number. */
export function containsMyNumber(value: unknown): boolean {
	return locateMyNumber(value) !== null;
}

export const MY_NUMBER_MESSAGE = '個人番号（マイナンバー）と思われる数字は入力できません。接種券の番号を入力してください。';
