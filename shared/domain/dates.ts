/**
 * Calendar dates and timestamps as they appear in events, the ledger and GS1 codes. Checked by
 * hand rather than with Date.parse, which accepts 2024-02-30 and quietly rolls it into March.
 *
 * The "service day" of a dose is its date in Japan whatever the time zone of the machine that
 * checks it (japan-time.ts).
 */
import { japanDateAt } from './japan-time';

/** Years a record may carry. Anything else is a typing or scanning error. */
export const MIN_RECORD_YEAR = 2000;
export const MAX_RECORD_YEAR = 2099;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isLeapYear(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
	if (month === 2) return isLeapYear(year) ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validYmd(y: number, m: number, d: number): boolean {
	return y >= MIN_RECORD_YEAR && y <= MAX_RECORD_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function formatIsoDate(year: number, month: number, day: number): string {
	return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD`, a real calendar date, year within the record range. */
export function isIsoDate(value: string): boolean {
	const m = DATE.exec(value);
	return m !== null && validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * Epoch milliseconds of an ISO 8601 timestamp with seconds and an explicit offset
 * (`2025-10-01T09:30:00.000Z`, `2025-10-01T18:30:00+09:00`), or null when the text is not one or
 * names a date or time that does not exist.
 */
export function parseIsoTimestamp(value: string): number | null {
	// Read by character codes: it runs several times on every event the server checks, and a
	// regex match with its substrings was a tenth of what ingest allocated.
	const n = value.length;
	if (n < 20 || n > 35) return null;
	const y = digitsAt(value, 0, 4);
	const mo = digitsAt(value, 5, 2);
	const d = digitsAt(value, 8, 2);
	const h = digitsAt(value, 11, 2);
	const mi = digitsAt(value, 14, 2);
	const s = digitsAt(value, 17, 2);
	if (
		y < 0 ||
		mo < 0 ||
		d < 0 ||
		h < 0 ||
		mi < 0 ||
		s < 0 ||
		value[4] !== '-' ||
		value[7] !== '-' ||
		value[10] !== 'T' ||
		value[13] !== ':' ||
		value[16] !== ':'
	)
		return null;
	let at = 19;
	let fraction = 0;
	if (value[at] === '.') {
		let end = at + 1;
		while (end < n && isDigitCode(value.charCodeAt(end))) end++;
		if (end === at + 1 || end > at + 10) return null;
		fraction = Math.floor(Number(`0.${value.slice(at + 1, end)}`) * 1000);
		at = end;
	}
	let offset = 0;
	if (value[at] === 'Z') {
		if (at + 1 !== n) return null;
	} else {
		const sign = value[at];
		const oh = digitsAt(value, at + 1, 2);
		const om = digitsAt(value, at + 4, 2);
		if ((sign !== '+' && sign !== '-') || oh < 0 || om < 0 || value[at + 3] !== ':' || at + 6 !== n) return null;
		if (oh > 14 || om > 59) return null;
		offset = (sign === '-' ? -1 : 1) * (oh * 60 + om);
	}
	if (!validYmd(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
	return Date.UTC(y, mo - 1, d, h, mi, s, fraction) - offset * 60_000;
}

const isDigitCode = (c: number) => c >= 48 && c <= 57;

/** The number written by `count` ASCII digits at `from`, or -1 when one of them is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
	let value = 0;
	for (let i = from; i < from + count; i++) {
		const c = text.charCodeAt(i);
		if (!isDigitCode(c)) return -1;
		value = value * 10 + (c - 48);
	}
	return value;
}

export function isIsoTimestamp(value: string): boolean {
	return parseIsoTimestamp(value) !== null;
}

/** The JST calendar date (`YYYY-MM-DD`) of an ISO timestamp, or null if it is not one. */
export function serviceDateOf(timestamp: string): string | null {
	const ms = parseIsoTimestamp(timestamp);
	return ms === null ? null : japanDateAt(ms);
}

/** The JST calendar date (`YYYY-MM-DD`) of a moment given in epoch milliseconds (a clock reading). */
export function serviceDateAt(epochMs: number): string {
	return japanDateAt(epochMs);
}

function dayNumber(isoDate: string): number {
	const m = DATE.exec(isoDate);
	if (!m) throw new RangeError('not an ISO date');
	return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

/** Whole calendar days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
	return dayNumber(to) - dayNumber(from);
}
