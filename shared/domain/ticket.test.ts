import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	groupTicketNumber,
	parseTicket,
	TICKET_ERROR_CODES,
	TICKET_ERROR_MESSAGES,
	type TicketErrorCode
} from './ticket';
import { digitString, fullWidthDigits, municipalityCode, validMyNumber } from './testing/arbitraries';

const SHINJUKU = '131041';

describe('parseTicket: 18 digits (QR code, OCR line)', () => {
	it.each([
		['QR code', '111310411234567890'],
		['OCR line with spaces', '1 1 131041 1234567890'],
		['OCR line with hyphens', '11-131041-1234567890'],
		['OCR line grouped for reading', '11 131041 1234 567 890'],
		['full-width digits', '１１１３１０４１１２３４５６７８９０'],
		['full-width digits and ideographic spaces', '１１　１３１０４１　１２３４５６７８９０'],
		['full-width hyphens', '１１－１３１０４１－１２３４５６７８９０'],
		['keyboard wedge with Enter', '111310411234567890\r\n'],
		['leading and trailing spaces', '  111310411234567890 ']
	])('reads the %s', (_, raw) => {
		expect(parseTicket(raw)).toEqual({
			ok: true,
			ticket: { kind: '1', dose: 1, municipality: SHINJUKU, number: '1234567890' }
		});
	});

	it('returns 券種 and 回数 as read', () => {
		expect(parseTicket('231310160000000042')).toEqual({
			ok: true,
			ticket: { kind: '2', dose: 3, municipality: '131016', number: '0000000042' }
		});
	});

	it('keeps the ticket municipality even when the device belongs to another (他自治体)', () => {
		const r = parseTicket('110920370000000001', { municipality: '131016' });
		expect(r.ok && r.ticket.municipality).toBe('092037');
	});

	it.each(['131016', '131041', '131130', '011002', '242039', '112453', '352063', '092037'])(
		'accepts the real municipality code %s',
		(code) => {
			const r = parseTicket(`12${code}0000000001`);
			expect(r.ok && r.ticket.municipality).toBe(code);
		}
	);

	it('refuses a municipality code whose check digit does not match (a misread digit)', () => {
		expect(parseTicket('111310441234567890')).toMatchObject({ ok: false, error: { code: 'MUNICIPALITY_CHECK_DIGIT' } });
		// 1 ↔ 4, the classic OCR confusion, in the municipality code of 131041.
		expect(parseTicket('114310411234567890')).toMatchObject({ ok: false, error: { code: 'MUNICIPALITY_CHECK_DIGIT' } });
	});
});

describe('parseTicket: NW-7 (Codabar) 10-digit 券番号', () => {
	it.each([
		['bare digits', '1234567890'],
		['start/stop A…B', 'A1234567890B'],
		['start/stop C…D', 'C1234567890D'],
		['lower-case start/stop', 'a1234567890d'],
		['full-width start/stop and digits', 'Ａ１２３４５６７８９０Ｂ'],
		['grouped digits', '1234 567 890'],
		['grouped digits inside start/stop', 'A 1234-567-890 A']
	])('reads %s with the enrolled municipality', (_, raw) => {
		expect(parseTicket(raw, { municipality: SHINJUKU })).toEqual({
			ok: true,
			ticket: { kind: null, dose: null, municipality: SHINJUKU, number: '1234567890' }
		});
	});

	it('accepts a full-width enrolled municipality and stores it in ASCII', () => {
		const r = parseTicket('1234567890', { municipality: '１３１０４１' });
		expect(r.ok && r.ticket.municipality).toBe(SHINJUKU);
	});

	it.each([
		['no options', undefined],
		['no municipality', {}],
		['an empty municipality', { municipality: '' }]
	])('needs the municipality: %s', (_, opts) => {
		expect(parseTicket('A1234567890B', opts)).toMatchObject({ ok: false, error: { code: 'MUNICIPALITY_REQUIRED' } });
	});

	it('refuses an enrolled municipality whose check digit is wrong', () => {
		expect(parseTicket('1234567890', { municipality: '131042' })).toMatchObject({
			ok: false,
			error: { code: 'MUNICIPALITY_CHECK_DIGIT' }
		});
	});
});

describe('parseTicket: refusals', () => {
	it.each([
		['empty', ''],
		['only spaces', '   '],
		['letters', 'abcdefghij'],
		['17 digits', '11131041123456789'],
		['19 digits', '1113104112345678901'],
		['11 digits', '12345678901'],
		['9 digits', '123456789'],
		['a letter among digits', '11131041123456789O'],
		['NW-7 start/stop around 18 digits', 'A111310411234567890B'],
		['only a start letter', 'A1234567890'],
		['start/stop outside A–D', 'E1234567890E'],
		['a leading hyphen', '-111310411234567890'],
		['a decimal point', '1234.567890'],
		['a very long input', '1'.repeat(200)],
		['12 digits that are not a My Number', '123456789010']
	])('%s is a TICKET_FORMAT error', (_, raw) => {
		expect(parseTicket(raw, { municipality: SHINJUKU })).toMatchObject({ ok: false, error: { code: 'TICKET_FORMAT' } });
	});

	it('treats a non-string from untyped callers as a format error', () => {
		expect(parseTicket(42 as unknown as string)).toMatchObject({ ok: false, error: { code: 'TICKET_FORMAT' } });
	});

	it.each([
		['a My Number', '123456789018'],
		['a My Number written 4-4-4', '1234 5678 9018'],
		['a full-width My Number', '１２３４５６７８９０１８'],
		['a My Number between Codabar letters', 'A123456789018B']
	])('refuses %s with MY_NUMBER and does not echo it', (_, raw) => {
		const r = parseTicket(raw, { municipality: SHINJUKU });
		expect(r).toMatchObject({ ok: false, error: { code: 'MY_NUMBER' } });
		if (!r.ok) expect(r.error.message).not.toMatch(/[0-9０-９]/);
	});

	it('has a Japanese message for every error code and no message echoes digits', () => {
		expect(Object.keys(TICKET_ERROR_MESSAGES).sort()).toEqual([...TICKET_ERROR_CODES].sort());
		for (const code of TICKET_ERROR_CODES) expect(TICKET_ERROR_MESSAGES[code]).toMatch(/[ぁ-んァ-ヶ一-龠]/);
	});

	it('covers every error code in this file', () => {
		const seen = new Set<TicketErrorCode>();
		for (const [raw, opts] of [
			['x', {}],
			['111310441234567890', {}],
			['1234567890', {}],
			['123456789018', {}]
		] as const) {
			const r = parseTicket(raw, opts);
			if (!r.ok) seen.add(r.error.code);
		}
		expect([...seen].sort()).toEqual([...TICKET_ERROR_CODES].sort());
	});
});

describe('parseTicket: properties', () => {
	const ticketParts = fc.record({
		kind: digitString(1),
		dose: fc.integer({ min: 0, max: 9 }),
		municipality: municipalityCode,
		number: digitString(10)
	});
	const layouts = [
		(k: string, d: number, m: string, n: string) => `${k}${d}${m}${n}`,
		(k: string, d: number, m: string, n: string) => `${k} ${d} ${m} ${n}`,
		(k: string, d: number, m: string, n: string) => `${k}${d}-${m}-${n}`,
		(k: string, d: number, m: string, n: string) => `${k}${d} ${m} ${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`,
		(k: string, d: number, m: string, n: string) => fullWidthDigits(`${k}${d}　${m}　${n}`)
	];

	it('reads every 18-digit ticket in every layout to the same parts', () => {
		fc.assert(
			fc.property(ticketParts, fc.constantFrom(...layouts), ({ kind, dose, municipality, number }, layout) => {
				expect(parseTicket(layout(kind, dose, municipality, number))).toEqual({
					ok: true,
					ticket: { kind, dose, municipality, number }
				});
			})
		);
	});

	it('reads every NW-7 number with any start/stop pair', () => {
		const letter = fc.constantFrom('A', 'B', 'C', 'D', 'a', 'b', 'c', 'd', '');
		fc.assert(
			fc.property(digitString(10), municipalityCode, letter, (number, municipality, l) => {
				const raw = l === '' ? number : `${l}${number}${l}`;
				expect(parseTicket(raw, { municipality })).toEqual({
					ok: true,
					ticket: { kind: null, dose: null, municipality, number }
				});
			})
		);
	});

	it('refuses every valid My Number, however it is written', () => {
		fc.assert(
			fc.property(validMyNumber, fc.constantFrom('', ' ', '-'), (n, sep) => {
				const raw = sep === '' ? n : `${n.slice(0, 4)}${sep}${n.slice(4, 8)}${sep}${n.slice(8)}`;
				const r = parseTicket(raw, { municipality: SHINJUKU });
				return !r.ok && r.error.code === 'MY_NUMBER' && !r.error.message.includes(n);
			})
		);
	});

	it('never throws, and whatever it accepts is well formed', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 40 }), (raw) => {
				const r = parseTicket(raw, { municipality: SHINJUKU });
				if (r.ok) {
					expect(r.ticket.number).toMatch(/^\d{10}$/);
					expect(r.ticket.municipality).toMatch(/^\d{6}$/);
				} else {
					expect(TICKET_ERROR_CODES).toContain(r.error.code);
				}
			})
		);
	});
});

describe('groupTicketNumber', () => {
	it('groups 4-3-3 for reading aloud', () => {
		expect(groupTicketNumber('1234567890')).toEqual(['1234', '567', '890']);
	});
});
