import { digitsOf, toAsciiDigits } from './digits';

/**
 * 個人番号 (My Number) guard. A My Number must never reach the device, the sync stream or the
 * server, so every entry path refuses any value that is, or contains, a 12-digit run that
 * passes the check digit. Messages never echo the value back.
 */
const WEIGHTS = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

export function myNumberCheckDigit(firstEleven: string): number {
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

/**
 * Maximal digit runs of exactly 12 digits, and 4-4-4 groups separated by one space or hyphen
 * (not glued to further digits), in a single string.
 */
function* twelveDigitCandidates(text: string): Generator<string> {
	const t = toAsciiDigits(text);
	for (const m of t.matchAll(/\d+/g)) {
		if (m[0].length === 12) yield m[0];
	}
	for (const m of t.matchAll(/(?<![\d])(\d{4})[ \u3000\-](\d{4})[ \u3000\-](\d{4})(?![\d])/g)) {
		yield m[1]! + m[2]! + m[3]!;
	}
}

export function stringContainsMyNumber(text: string): boolean {
	for (const candidate of twelveDigitCandidates(text)) {
		if (isMyNumber(candidate)) return true;
	}
	return false;
}

/** Walks strings, numbers, arrays and plain objects (keys too). Cycles are visited once. */
export function containsMyNumber(value: unknown, seen: Set<object> = new Set()): boolean {
	if (typeof value === 'string') return stringContainsMyNumber(value);
	if (typeof value === 'number' || typeof value === 'bigint') return stringContainsMyNumber(String(value));
	if (value === null || typeof value !== 'object') return false;
	if (seen.has(value)) return false;
	seen.add(value);
	if (Array.isArray(value)) return value.some((v) => containsMyNumber(v, seen));
	if (value instanceof Uint8Array) return false;
	return Object.entries(value).some(([k, v]) => stringContainsMyNumber(k) || containsMyNumber(v, seen));
}

export const MY_NUMBER_MESSAGE = '個人番号（マイナンバー）と思われる数字は入力できません。接種券の番号を入力してください。';
