import { formatJapanDateTime, japanDateAt } from '#shared/domain/japan-time';

/** A moment as the back office shows it (`2026/11/22 09:05:07`, Japan time); empty for none. */
export function formatJst(iso: string | null): string {
	return iso ? formatJapanDateTime(iso) : '';
}

/** Today's date in Japan as `YYYY-MM-DD` (the value of a date input). */
export function todayJst(now = Date.now()): string {
	return japanDateAt(now);
}
