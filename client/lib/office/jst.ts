/** Times in the back office are shown in Japan time, whatever the office PC's own zone. */
const FORMAT = new Intl.DateTimeFormat('ja-JP', {
	timeZone: 'Asia/Tokyo',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

/** `2026/11/22 09:05:07` in JST; an empty string for no time. */
export function formatJst(iso: string | null): string {
	return iso ? FORMAT.format(new Date(iso)) : '';
}

/** Today's date in JST as `YYYY-MM-DD` (the value of a date input). */
export function todayJst(now = Date.now()): string {
	return new Date(now + 9 * 3600_000).toISOString().slice(0, 10);
}
