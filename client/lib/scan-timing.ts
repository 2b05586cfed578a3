/**
 * Tells a barcode scanner in keyboard-wedge mode from a person typing: a scanner "types" a
 * whole code in a burst, a few milliseconds per character. A scanned code was read by a
 * machine from the ticket; a typed one must be typed twice (DESIGN: the 券番号 has no check
 * digit, so a typing slip would go unnoticed).
 */
export const SCAN_MAX_MEDIAN_MS = 35;
export const SCAN_MIN_CHARS = 10;

export class KeystrokeTimer {
	private times: number[] = [];

	reset(): void {
		this.times = [];
	}

	key(timeStamp: number): void {
		this.times.push(timeStamp);
	}

	/** True when every one of the `length` characters came from a fast burst of keys. */
	isScan(length: number): boolean {
		if (length < SCAN_MIN_CHARS || this.times.length < length) return false;
		const recent = this.times.slice(-length);
		const gaps = recent.slice(1).map((t, i) => t - recent[i]!).sort((a, b) => a - b);
		return gaps[Math.floor(gaps.length / 2)]! <= SCAN_MAX_MEDIAN_MS;
	}
}

/** Keys that put a character into the field (not Shift, arrows, Enter…). */
export const isCharacterKey = (e: KeyboardEvent) => e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;
