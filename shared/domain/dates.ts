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
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
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
	const m = TIMESTAMP.exec(value);
	if (!m) return null;
	const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
		number,
		number,
		number,
		number,
		number,
		number
	];
	if (!validYmd(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
	let offset = 0;
	const zone = m[8]!;
	if (zone !== 'Z') {
		const oh = Number(zone.slice(1, 3));
		const om = Number(zone.slice(4, 6));
		if (oh > 14 || om > 59) return null;
		offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
	}
	const fraction = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
	return Date.UTC(y, mo - 1, d, h, mi, s, fraction) - offset * 60_000;
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
