import type { CDPSession, Page } from '@playwright/test';

/**
 * A keyboard-wedge barcode scanner, as the page sees one: a burst of key events stamped a few
 * milliseconds apart by the input stack, then the scanner's terminator (Enter unless set
 * otherwise). The events go through CDP `Input.dispatchKeyEvent` with an explicit `timestamp`,
 * which Chromium hands to the page as `KeyboardEvent.timeStamp` (checked: a timestamp in seconds
 * since the epoch arrives exactly, however late the page handles the event). Playwright's own
 * `pressSequentially`/`keyboard.type` leave the timestamp to the moment each command arrives, one
 * round trip per key, so a loaded machine spreads the burst out like hand typing; a real
 * scanner's events carry the time its reports came in, and so do these.
 */
export interface WedgeOptions {
	/** Milliseconds between the scanner's characters (real USB scanners: about 1–15). */
	msPerChar?: number;
	/** The suffix the scanner is set to send after the code; null for none. */
	terminator?: 'Enter' | 'Tab' | null;
	/** When the first key came in, milliseconds since the epoch (default: now). */
	at?: number;
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();

/** The page's own CDP session (one per page, reused). */
export function cdpSession(page: Page): Promise<CDPSession> {
	let session = sessions.get(page);
	if (!session) sessions.set(page, (session = page.context().newCDPSession(page)));
	return session;
}

interface KeyDefinition {
	key: string;
	code: string;
	keyCode: number;
	text?: string;
	shift?: boolean;
}

const SHIFTED_DIGITS = ')!@#$%^&*(';
const PUNCTUATION: Record<string, [code: string, keyCode: number, shifted: string]> = {
	'-': ['Minus', 189, '_'],
	'=': ['Equal', 187, '+'],
	'[': ['BracketLeft', 219, '{'],
	']': ['BracketRight', 221, '}'],
	';': ['Semicolon', 186, ':'],
	"'": ['Quote', 222, '"'],
	',': ['Comma', 188, '<'],
	'.': ['Period', 190, '>'],
	'/': ['Slash', 191, '?'],
	'\\': ['Backslash', 220, '|']
};

/** The key of a US-layout keyboard (the HID scanner's default) that types `ch`. */
function keyFor(ch: string): KeyDefinition {
	if (/^[0-9]$/.test(ch)) return { key: ch, code: `Digit${ch}`, keyCode: 48 + Number(ch), text: ch };
	const shiftedDigit = SHIFTED_DIGITS.indexOf(ch);
	if (shiftedDigit >= 0)
		return { key: ch, code: `Digit${shiftedDigit}`, keyCode: 48 + shiftedDigit, text: ch, shift: true };
	if (/^[a-z]$/i.test(ch)) {
		const upper = ch.toUpperCase();
		return { key: ch, code: `Key${upper}`, keyCode: upper.charCodeAt(0), text: ch, shift: ch === upper };
	}
	if (ch === ' ') return { key: ' ', code: 'Space', keyCode: 32, text: ' ' };
	for (const [plain, [code, keyCode, shifted]] of Object.entries(PUNCTUATION)) {
		if (ch === plain) return { key: ch, code, keyCode, text: ch };
		if (ch === shifted) return { key: ch, code, keyCode, text: ch, shift: true };
	}
	throw new Error(`the wedge helper has no key for ${JSON.stringify(ch)}`);
}

const TERMINATORS: Record<'Enter' | 'Tab', KeyDefinition> = {
	Enter: { key: 'Enter', code: 'Enter', keyCode: 13, text: '\r' },
	Tab: { key: 'Tab', code: 'Tab', keyCode: 9 }
};
const SHIFT: KeyDefinition = { key: 'Shift', code: 'ShiftLeft', keyCode: 16 };
const SHIFT_MODIFIER = 8;

/**
 * Types `code` into whatever has focus in `page` (or the page itself when nothing does) as a
 * wedge scanner does: each character's key down and up, Shift around shifted characters, the
 * keys `msPerChar` apart by their timestamps, then the terminator. Resolves once Chromium has
 * dispatched every event.
 */
export async function wedgeScan(
	page: Page,
	code: string,
	{ msPerChar = 4, terminator = 'Enter', at = Date.now() }: WedgeOptions = {}
): Promise<void> {
	const cdp = await cdpSession(page);
	const send = (type: 'keyDown' | 'keyUp', k: KeyDefinition, modifiers: number, timestamp: number) =>
		cdp.send('Input.dispatchKeyEvent', {
			// A key that types no text goes down as a raw key down (as Playwright sends it too).
			type: type === 'keyDown' && k.text === undefined ? 'rawKeyDown' : type,
			key: k.key,
			code: k.code,
			windowsVirtualKeyCode: k.keyCode,
			nativeVirtualKeyCode: k.keyCode,
			modifiers,
			...(type === 'keyDown' && k.text !== undefined ? { text: k.text, unmodifiedText: k.text } : {}),
			timestamp: timestamp / 1000
		});
	// Every event is sent at once, without waiting for the one before (CDP keeps their order), so
	// they also arrive as a burst: under Playwright's fake clock (page.clock) the page stamps
	// events with its own time at dispatch and ignores the timestamps given here.
	const sent: Promise<unknown>[] = [];
	const press = (k: KeyDefinition) => {
		// Within one character's time: Shift down, the key down and up, Shift up.
		const step = msPerChar / 4;
		if (k.shift) sent.push(send('keyDown', SHIFT, SHIFT_MODIFIER, at));
		sent.push(send('keyDown', k, k.shift ? SHIFT_MODIFIER : 0, at + step));
		sent.push(send('keyUp', k, k.shift ? SHIFT_MODIFIER : 0, at + 2 * step));
		if (k.shift) sent.push(send('keyUp', SHIFT, 0, at + 3 * step));
		at += msPerChar;
	};
	for (const ch of code) press(keyFor(ch));
	if (terminator) press(TERMINATORS[terminator]);
	await Promise.all(sent);
}
