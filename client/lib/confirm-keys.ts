import { isCharacterKey, isTerminatorKey, KeystrokeTimer, SCAN_MAX_GAP_MS } from './scan-timing';

/** Whose Enter it was, on the confirmation screen; only a person's is a decision. */
export type EnterKind = 'person' | 'scanner' | 'held' | 'too-soon';

type KeyLike = Pick<
	KeyboardEvent,
	'key' | 'timeStamp' | 'repeat' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'isComposing'
>;

/**
 * Enter saves on the confirmation screen (a desk working by keyboard alone), but only a
 * person's Enter. A wedge scanner ends every code with its own Enter, and a second ticket
 * read while the first is on screen must never save the first: an Enter that ends a scanner's
 * burst, as the scan-or-typing classifier (scan-timing.ts) judges it, is the scanner's.
 *
 * The burst is followed across the whole page (every key down, whatever has focus), so a code
 * whose first characters went into the ticket field just before the screen appeared and whose
 * last came after it still counts whole, and so does a second suffix Enter right after the
 * first. Nor is an Enter that follows the key before it within a burst's pause (300 ms) a
 * decision: a double press or a bounce of the Enter that opened the screen. No one has read the
 * number aloud by then; the person presses again.
 */
export class ConfirmKeys {
	private readonly burst = new KeystrokeTimer();
	/** When the last character or terminator key went down. */
	private lastAt: number | null = null;

	/** Notes a key down seen anywhere on the page; for an Enter, says whose it was. */
	observe(e: KeyLike): EnterKind | null {
		// An Enter that confirms an IME's conversion (a Japanese note being typed) is the IME's.
		if (e.isComposing) return null;
		const key = e as KeyboardEvent;
		if (isCharacterKey(key)) {
			this.burst.key(e);
			this.lastAt = e.timeStamp;
			return null;
		}
		if (!isTerminatorKey(key)) return null;
		this.burst.terminator(e);
		const soon = this.lastAt !== null && e.timeStamp - this.lastAt <= SCAN_MAX_GAP_MS;
		this.lastAt = e.timeStamp;
		if (e.key !== 'Enter') return null;
		// A held Enter repeats: one decision, not a save per repeat.
		if (e.repeat) return 'held';
		if (this.burst.isScan(this.burst.text)) return 'scanner';
		return soon ? 'too-soon' : 'person';
	}
}
