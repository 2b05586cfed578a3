import { describe, expect, it } from 'vitest';
import { isScannerBurst, KeystrokeTimer, SCAN_MAX_GAP_MS, type Keystroke } from './scan-timing';

const TICKET = '111310160000012345';

/** A small seeded generator, so the jittered series are the same on every run. */
function jitter(seed: number) {
	let s = seed >>> 0;
	return (spread: number) => {
		s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
		return (s / 2 ** 32 - 0.5) * 2 * spread;
	};
}

/** Key times from a start and the gaps between keys; `gaps` has one entry fewer than `text`. */
function keysAt(text: string, gaps: number[], start = 10_000): Keystroke[] {
	let at = start;
	return [...text].map((key, i) => ({ key, at: i === 0 ? at : (at += gaps[i - 1]!), repeat: false }));
}

/** A timer fed key events as a field sees them, then (unless null) the terminator after `endGap`. */
function burst(keys: Keystroke[], endGap: number | null): KeystrokeTimer {
	const t = new KeystrokeTimer();
	for (const k of keys) t.key({ key: k.key, timeStamp: k.at, repeat: k.repeat });
	if (endGap !== null) t.terminator({ timeStamp: keys.at(-1)!.at + endGap });
	return t;
}

/** A scanner: `msPerChar` ± 30 % jitter per key, the terminator at the same pace. */
function scanner(text: string, msPerChar: number, seed = 1) {
	const j = jitter(seed);
	const gaps = Array.from({ length: text.length - 1 }, () => msPerChar + j(msPerChar * 0.3));
	return { keys: keysAt(text, gaps), endGap: msPerChar + j(msPerChar * 0.3) };
}

describe('a wedge scanner is a scanner', () => {
	it.each([1, 4, 8, 15, 30, 40])('at %d ms per character, ended by its terminator', (ms) => {
		const { keys, endGap } = scanner(TICKET, ms);
		expect(burst(keys, endGap).isScan(TICKET)).toBe(true);
	});

	it('with one OS hiccup in the burst (a late USB report), wherever it falls', () => {
		for (const at of [0, 8, 16]) {
			const gaps = Array<number>(17).fill(4);
			gaps[at] = 180;
			expect(burst(keysAt(TICKET, gaps), 4).isScan(TICKET)).toBe(true);
		}
		// …or between the last digit and the terminator.
		expect(burst(keysAt(TICKET, Array<number>(17).fill(4)), 250).isScan(TICKET)).toBe(true);
	});

	it('with two hiccups in an 18-digit ticket (a slow Bluetooth link)', () => {
		const gaps = Array<number>(17).fill(25);
		gaps[3] = 120;
		gaps[12] = 90;
		expect(burst(keysAt(TICKET, gaps), 25).isScan(TICKET)).toBe(true);
	});

	it('a 10-digit NW-7 券番号 and a code with spaces in it', () => {
		const nw7 = scanner('0000012345', 6, 7);
		expect(burst(nw7.keys, nw7.endGap).isScan('0000012345')).toBe(true);
		const spaced = scanner('1 3 131016 0000013579', 3, 9);
		expect(burst(spaced.keys, spaced.endGap).isScan('1 3 131016 0000013579')).toBe(true);
	});

	it('the window-level path reads the burst after a stray key pressed long before', () => {
		const t = new KeystrokeTimer();
		t.key({ key: 'x', timeStamp: 1_000, repeat: false });
		for (const k of scanner(TICKET, 5).keys) t.key({ key: k.key, timeStamp: k.at, repeat: false });
		t.terminator({ timeStamp: 10_000 + 17 * 5 + 5 });
		expect(t.text).toBe(TICKET);
		expect(t.isScan(t.text)).toBe(true);
	});
});

describe('a person is a person', () => {
	it('a fast typist: 60–140 ms between keys, some rolled-over pairs under 30 ms', () => {
		const j = jitter(3);
		const gaps = Array.from({ length: 17 }, (_, i) => (i % 4 === 1 ? 18 + j(8) : 100 + j(40)));
		expect(burst(keysAt(TICKET, gaps), 90).isScan(TICKET)).toBe(false);
	});

	it('the fastest data-entry typist on a numeric keypad: 45–75 ms between keys', () => {
		const j = jitter(5);
		const gaps = Array.from({ length: 17 }, () => 60 + j(15));
		expect(burst(keysAt(TICKET, gaps), 60).isScan(TICKET)).toBe(false);
	});

	it('a paste: the value arrives without its keys', () => {
		expect(burst([], null).isScan(TICKET)).toBe(false);
		const t = new KeystrokeTimer();
		t.terminator({ timeStamp: 10_000 });
		expect(t.isScan(TICKET)).toBe(false);
	});

	it('a person typing, then an Enter at a scanner’s pace (a scanner’s Enter, or a quick finger)', () => {
		const gaps = Array<number>(17).fill(150);
		expect(burst(keysAt(TICKET, gaps), 3).isScan(TICKET)).toBe(false);
	});

	it('a burst not ended by a terminator (the button pressed instead, or nothing yet)', () => {
		expect(burst(scanner(TICKET, 4).keys, null).isScan(TICKET)).toBe(false);
	});

	it('a terminator long after the burst (a person pressing Enter)', () => {
		expect(burst(scanner(TICKET, 4).keys, SCAN_MAX_GAP_MS + 200).isScan(TICKET)).toBe(false);
	});

	it('digits typed by hand before a scan, and a value edited after it', () => {
		// Two digits by hand, a second and a half to pick up the scanner and aim it, then 16 digits
		// at a scanner's pace: the hand-typed ones are in the value.
		const mixed = keysAt(TICKET, [200, 1_500, ...Array<number>(15).fill(4)]);
		expect(burst(mixed, 4).isScan(TICKET)).toBe(false);
		// A scan, then one digit changed by hand: the field no longer holds what was scanned.
		const { keys, endGap } = scanner(TICKET, 4);
		expect(burst(keys, endGap).isScan('111310160000042345')).toBe(false);
	});

	it('a key held down (auto-repeat every ~30 ms)', () => {
		const held = keysAt('1111111111111', Array<number>(12).fill(30)).map((k, i) => ({ ...k, repeat: i > 0 }));
		expect(isScannerBurst(held, held.at(-1)!.at + 30)).toBe(false);
	});

	it('too few keys to tell', () => {
		const { keys, endGap } = scanner('123456789', 4);
		expect(burst(keys, endGap).isScan('123456789')).toBe(false);
	});

	it('a key after the terminator starts a new burst', () => {
		const { keys, endGap } = scanner(TICKET, 4);
		const t = burst(keys, endGap);
		t.key({ key: '9', timeStamp: keys.at(-1)!.at + endGap + 4, repeat: false });
		expect(t.text).toBe('9');
		expect(t.isScan(`${TICKET}9`)).toBe(false);
	});
});
