/**
 * Japan time, in one place. Venues, the back office and the legal record all work in Japan
 * Standard Time (UTC+9, no daylight saving), whatever zone the tablet, the office PC or the
 * server is set to: a dose given at 00:30 in Tokyo belongs to that day, and a tablet left on
 * UTC must still show 00:30. Every display, day boundary and SQL conversion goes through here.
 */

/** The IANA zone, for Intl and for SQL `AT TIME ZONE`. */
export const JAPAN_TIME_ZONE = 'Asia/Tokyo';

/** JST offset from UTC in minutes (constant: Japan has no daylight saving time). */
export const JAPAN_UTC_OFFSET_MINUTES = 9 * 60;

const OFFSET_MS = JAPAN_UTC_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Wall-clock fields of an instant in Japan. */
function japanFields(epochMs: number) {
	const t = new Date(epochMs + OFFSET_MS);
	return {
		y: t.getUTCFullYear(),
		mo: t.getUTCMonth() + 1,
		d: t.getUTCDate(),
		h: t.getUTCHours(),
		mi: t.getUTCMinutes(),
		s: t.getUTCSeconds()
	};
}

const toMs = (at: string | number | Date) =>
	typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();

/** The date in Japan of an instant, `YYYY-MM-DD` (a service day, a date input's value). */
export function japanDateAt(at: string | number | Date): string {
	const f = japanFields(toMs(at));
	return `${pad(f.y, 4)}-${pad(f.mo)}-${pad(f.d)}`;
}

/** The hour (0–23) in Japan of an instant. */
export function japanHourAt(at: string | number | Date): number {
	return japanFields(toMs(at)).h;
}

/** The instant (epoch ms) a Japan calendar day `YYYY-MM-DD` begins, plus `plusDays` whole days. */
export function japanMidnight(date: string, plusDays = 0): number {
	const [y, m, d] = date.split('-').map(Number) as [number, number, number];
	return Date.UTC(y, m - 1, d) - OFFSET_MS + plusDays * DAY_MS;
}

/** `2026/11/22 09:05:07` in Japan: how the back office shows a moment. */
export function formatJapanDateTime(at: string | number | Date): string {
	const f = japanFields(toMs(at));
	return `${pad(f.y, 4)}/${pad(f.mo)}/${pad(f.d)} ${pad(f.h)}:${pad(f.mi)}:${pad(f.s)}`;
}

/** `2026/11/22 09:05` in Japan: a moment on the station, to the minute. */
export function formatJapanDateMinute(at: string | number | Date): string {
	return formatJapanDateTime(at).slice(0, 16);
}

/** `09:05` in Japan: a time of today on the station. */
export function formatJapanTime(at: string | number | Date): string {
	const f = japanFields(toMs(at));
	return `${pad(f.h)}:${pad(f.mi)}`;
}
