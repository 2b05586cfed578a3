import { isCharacterKey, isTerminatorKey, KeystrokeTimer } from './scan-timing';

/** Whose Enter it was, on the confirmation screen. */
export type EnterKind = 'person' | 'scanner' | 'held';

type KeyLike = Pick<KeyboardEvent, 'key' | 'timeStamp' | 'repeat' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'isComposing'>;

/**
 * Enter saves on the confirmation screen (a desk working by keyboard alone), but only a
 * person's Enter. A wedge scanner ends every code with its own Enter, and a second ticket
 * read while the first is on screen must never save the first: an Enter that ends a scanner's
 * burst, as the scan-or-typing classifier (scan-timing.ts) judges it, is the scanner's.
 *
 * The burst is followed across the whole page (every key down, whatever has focus), so a code
 * whose first characters went into the ticket field just before the screen appeared and whose
 * last came after it still counts whole, and so does a second suffix Enter right after the
 * first. The price: an Enter pressed by hand within a burst's pause (300 ms) of a scan is taken
 * for the scanner's and does nothing — no one has read the number aloud by then.
 */
export class ConfirmKeys {
	private readonly burst = new KeystrokeTimer();

	/** Notes a key down seen anywhere on the page; for an Enter, says whose it was. */
	observe(e: KeyLike): EnterKind | null {
		// An Enter that confirms an IME's conversion (a Japanese note being typed) is the IME's.
		if (e.isComposing) return null;
		const key = e as KeyboardEvent;
		if (isCharacterKey(key)) {
			this.burst.key(e);
			return null;
		}
		if (!isTerminatorKey(key)) return null;
		this.burst.terminator(e);
		if (e.key !== 'Enter') return null;
		// A held Enter repeats: one decision, not a save per repeat.
		if (e.repeat) return 'held';
		return this.burst.isScan(this.burst.text) ? 'scanner' : 'person';
	}
}
