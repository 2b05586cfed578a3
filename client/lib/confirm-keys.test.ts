import { describe, expect, it } from 'vitest';
import { ConfirmKeys } from './confirm-keys';

const TICKET = '111310160000012345';
const key = (k: string, timeStamp: number, extra: Partial<KeyboardEvent> = {}) =>
	({
		key: k,
		timeStamp,
		repeat: false,
		ctrlKey: false,
		metaKey: false,
		altKey: false,
		shiftKey: false,
		isComposing: false,
		...extra
	}) as KeyboardEvent;

/** A wedge scanner's burst (`ms` apart by the keys' own stamps) and its Enter; returns what the Enter was taken for. */
function scan(keys: ConfirmKeys, code: string, start: number, ms = 4) {
	[...code].forEach((c, i) => keys.observe(key(c, start + i * ms)));
	return keys.observe(key('Enter', start + code.length * ms));
}

describe('Enter on the confirmation screen', () => {
	it("a scanner's Enter is the scanner's; a person's Enter seconds later is a decision", () => {
		const keys = new ConfirmKeys();
		expect(scan(keys, TICKET, 10_000)).toBe('scanner');
		expect(keys.observe(key('Enter', 12_500))).toBe('person');
	});

	it('a second ticket scanned while the first is shown does not save it, however its keys were split', () => {
		const keys = new ConfirmKeys();
		scan(keys, TICKET, 10_000);
		// The second code's keys: the first eight before the screen appeared, the rest after.
		// The guard sees every key of the page, so the burst is whole.
		expect(scan(keys, '121310160000067890', 10_150, 5)).toBe('scanner');
		// Even with one late USB report in it.
		const late = new ConfirmKeys();
		[...TICKET].forEach((c, i) => late.observe(key(c, 20_000 + i * 4 + (i > 9 ? 120 : 0))));
		expect(late.observe(key('Enter', 20_000 + 18 * 4 + 120))).toBe('scanner');
	});

	it("a scanner sending two suffix Enters: the second is the scanner's too", () => {
		const keys = new ConfirmKeys();
		scan(keys, TICKET, 10_000);
		expect(keys.observe(key('Enter', 10_000 + 19 * 4))).toBe('scanner');
	});

	it('a number typed by hand, then Enter: a person', () => {
		const keys = new ConfirmKeys();
		[...TICKET].forEach((c, i) => keys.observe(key(c, 10_000 + i * 130)));
		expect(keys.observe(key('Enter', 10_000 + 18 * 130 + 900))).toBe('person');
	});

	it('an Enter right after the one that opened the screen (a double press, a bounce) is no decision', () => {
		const keys = new ConfirmKeys();
		[...TICKET].forEach((c, i) => keys.observe(key(c, 10_000 + i * 130)));
		expect(keys.observe(key('Enter', 13_000))).toBe('person');
		expect(keys.observe(key('Enter', 13_150))).toBe('too-soon');
		expect(keys.observe(key('Enter', 14_500))).toBe('person');
	});

	it('a held Enter (auto-repeat) is one press; an IME conversion Enter and Shift+Enter are not Enter', () => {
		const keys = new ConfirmKeys();
		expect(keys.observe(key('Enter', 10_000))).toBe('person');
		expect(keys.observe(key('Enter', 10_500, { repeat: true }))).toBe('held');
		expect(keys.observe(key('Enter', 11_000, { isComposing: true }))).toBeNull();
		expect(keys.observe(key('Enter', 11_500, { shiftKey: true }))).toBeNull();
		expect(keys.observe(key('Tab', 12_000))).toBeNull();
	});
});
