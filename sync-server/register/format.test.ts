import { describe, expect, it } from 'vitest';
import { readDate, readEligibleDoses, readMunicipality, readTicketNumber, todayInJapan } from './format';

const ok = <T>(value: T) => ({ ok: true, value });
const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

describe('register cells', () => {
	it('reads eligibility as ranges, lists or both, full-width too, sorted and without repeats', () => {
		expect(readEligibleDoses('1-3')).toEqual(ok([1, 2, 3]));
		expect(readEligibleDoses('1,2,3')).toEqual(ok([1, 2, 3]));
		expect(readEligibleDoses('5, 1-2')).toEqual(ok([1, 2, 5]));
		expect(readEligibleDoses('１〜３・６')).toEqual(ok([1, 2, 3, 6]));
		expect(readEligibleDoses('2 2 1')).toEqual(ok([1, 2]));
		expect(['', '1-', 'a', '1--2', '3-1'].map((v) => code(readEligibleDoses(v)))).toEqual([
			'DOSES_FORMAT',
			'DOSES_FORMAT',
			'DOSES_FORMAT',
			'DOSES_FORMAT',
			'DOSES_FORMAT'
		]);
		expect(['0', '7', '1-7', '0-2'].map((v) => code(readEligibleDoses(v)))).toEqual([
			'DOSES_RANGE',
			'DOSES_RANGE',
			'DOSES_RANGE',
			'DOSES_RANGE'
		]);
	});

	it('reads dates with dashes or slashes, one-digit months and days; refuses others and the future', () => {
		const today = '2026-11-22';
		expect(readDate('', '転出日', today)).toEqual(ok(null));
		expect(readDate('2025/4/1', '転出日', today)).toEqual(ok('2025-04-01'));
		expect(readDate('２０２５－０４－０１', '転出日', today)).toEqual(ok('2025-04-01'));
		expect(readDate(today, '転出日', today)).toEqual(ok(today));
		expect(
			['2025-04/01', '2025-02-29', '25/04/01', '2025-13-01', '令和7年4月1日'].map((v) =>
				code(readDate(v, '転出日', today))
			)
		).toEqual(Array(5).fill('DATE_FORMAT'));
		expect(readDate('2026-11-23', '死亡日', today)).toMatchObject({
			ok: false,
			code: 'DATE_FUTURE',
			message: '死亡日が未来の日付です。'
		});
	});

	it('keeps leading zeros of tickets and checks the municipality check digit', () => {
		expect(readTicketNumber('０００００００１２３')).toEqual(ok('0000000123'));
		expect(readTicketNumber('123')).toMatchObject({ ok: false, code: 'TICKET_FORMAT' });
		expect(readTicketNumber('12345678901')).toMatchObject({ ok: false, code: 'TICKET_FORMAT' });
		expect(
			['131016', '131041', '131130', '011002', '242039', '112453', '352063', '092037'].map((m) =>
				code(readMunicipality(m))
			)
		).toEqual(Array(8).fill('ok'));
		expect(code(readMunicipality('131017'))).toBe('MUNICIPALITY_CHECK_DIGIT');
		expect(readMunicipality('13101')).toMatchObject({
			ok: false,
			code: 'MUNICIPALITY_FORMAT',
			message: expect.stringContaining('検査数字を付けて6桁')
		});
	});

	it('takes today in Japan, whatever the machine time zone', () => {
		expect(todayInJapan(new Date('2026-11-22T14:59:59Z'))).toBe('2026-11-22');
		expect(todayInJapan(new Date('2026-11-22T15:00:00Z'))).toBe('2026-11-23');
	});
});
