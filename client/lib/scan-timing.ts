/**
 * Tells a barcode scanner in keyboard-wedge mode from a person typing. A scanned code was read
 * by a machine from the ticket; a typed one must be typed twice (DESIGN: the 券番号 has no check
 * digit, so a typing slip would go unnoticed). Asking a nurse holding a scanner to type is the
 * worse mistake of the two, so the test is built on what a scanner does and a person cannot:
 *
 * - **a burst, then its terminator.** A wedge scanner types the whole code and then its suffix
 *   key (Enter by default, Tab on some), all within milliseconds. A code that ends any other
 *   way (the 確認へ進む button, a paste) was not scanned.
 * - **gaps from the events' own timestamps.** `KeyboardEvent.timeStamp` is the platform's time
 *   of the key (the OS input stack stamps it when the HID report arrives), not the time the page
 *   got round to handling it, so a busy main thread or a throttled CPU does not stretch the
 *   gaps. Nothing here measures work done per key.
 * - **a percentile and a maximum, not the median.** Scanners send a character every 1–15 ms
 *   over USB HID (Bluetooth ones up to ~40 ms), but the odd report comes late: a USB frame
 *   delayed, a Bluetooth retransmission, the tablet's input thread descheduled. A person never
 *   sustains < 50 ms between keys over 10+ digits (the fastest typists average 80–120 ms, and only
 *   a rolled-over pair of keys comes in under 50 ms). So: at least 7/8 of the gaps (the
 *   terminator's included) are fast, which leaves one or two hiccups in an 18-digit ticket; and
 *   no gap is longer than a hiccup, since a pause that long means a person was typing too (a
 *   digit typed by hand before the scan, an Enter pressed by hand long after it). The median
 *   alone, which this replaced, let a hand-typed prefix through and said nothing about how the
 *   code ended.
 * - **the field holds exactly what the burst typed.** A value edited, pasted into or typed
 *   partly by hand is not a scanned value, whatever the timing; auto-repeated keys (a key held
 *   down repeats every ~30 ms) are a person's, never a scanner's.
 */

/** Fewer characters than this are not told apart (a scanner's burst is a whole code). */
export const SCAN_MIN_CHARS = 10;
/** A gap between keys at most this long is a scanner's pace. */
export const SCAN_FAST_GAP_MS = 50;
/** At most one gap in this many may be slower than SCAN_FAST_GAP_MS (and at least one may). */
export const SCAN_GAPS_PER_HICCUP = 8;
/** No gap inside a burst, the terminator's included, is longer than this; a longer pause starts a new burst. */
export const SCAN_MAX_GAP_MS = 300;

export interface Keystroke {
	/** The character the key typed. */
	key: string;
	/** KeyboardEvent.timeStamp, milliseconds. */
	at: number;
	/** An auto-repeated key (held down). */
	repeat: boolean;
}

/** True when `keys`, ended by a terminator key at `terminatorAt`, came from a scanner. */
export function isScannerBurst(keys: readonly Keystroke[], terminatorAt: number | null): boolean {
	if (terminatorAt === null || keys.length < SCAN_MIN_CHARS || keys.some((k) => k.repeat)) return false;
	const times = [...keys.map((k) => k.at), terminatorAt];
	const gaps = times.slice(1).map((t, i) => t - times[i]!);
	const hiccups = gaps.filter((g) => g > SCAN_FAST_GAP_MS).length;
	return hiccups <= Math.max(1, Math.floor(gaps.length / SCAN_GAPS_PER_HICCUP)) && Math.max(...gaps) <= SCAN_MAX_GAP_MS;
}

/**
 * Collects the current burst of character keys and its terminator, from the KeyboardEvents of
 * one field (or of the window). A key after a terminator, or after a pause longer than any
 * burst has, starts a new burst.
 */
export class KeystrokeTimer {
	private keys: Keystroke[] = [];
	private terminatorAt: number | null = null;

	reset(): void {
		this.keys = [];
		this.terminatorAt = null;
	}

	/** A character key went down (see isCharacterKey). */
	key(e: Pick<KeyboardEvent, 'key' | 'timeStamp' | 'repeat'>): void {
		const last = this.keys.at(-1);
		if (this.terminatorAt !== null || (last && e.timeStamp - last.at > SCAN_MAX_GAP_MS)) this.reset();
		this.keys.push({ key: e.key, at: e.timeStamp, repeat: e.repeat });
	}

	/** A terminator key went down (see isTerminatorKey). */
	terminator(e: Pick<KeyboardEvent, 'timeStamp'>): void {
		this.terminatorAt = e.timeStamp;
	}

	/** The characters of the current burst. */
	get text(): string {
		return this.keys.map((k) => k.key).join('');
	}

	/** True when `value` is exactly what the current burst typed, and a scanner typed it and ended it. */
	isScan(value: string): boolean {
		return value === this.text && isScannerBurst(this.keys, this.terminatorAt);
	}
}

const modified = (e: KeyboardEvent) => e.ctrlKey || e.metaKey || e.altKey;

/** Keys that put a character into the field (not Shift, arrows, Enter…). */
export const isCharacterKey = (e: KeyboardEvent) => e.key.length === 1 && !modified(e);

/** The suffix key a wedge scanner sends after a code: Enter, or Tab when configured so. */
export const isTerminatorKey = (e: KeyboardEvent) =>
	(e.key === 'Enter' || e.key === 'Tab') && !modified(e) && !e.shiftKey;
