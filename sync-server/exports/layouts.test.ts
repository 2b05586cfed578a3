import { describe, expect, it } from 'vitest';
import { DEFAULT_VACCINE_CATALOG, recordOf, type VaccineCatalog } from '#shared/index';
import { sampleDose, sampleNotVaccinated } from '#shared/domain/testing/fixtures';
import { layoutTable, missingNames, vrsTable, type ExportRecord, type NameMasters } from './layouts';

/**
 * The layouts as pure functions: the VRS ledger layout (one line per ticket, a group of eight
 * columns per dose number) against the column list published in 接種記録データの確認方法, written
 * out here by hand; its refusals; and the dose list as it always was.
 */

const names: NameMasters = {
	sites: new Map([
		['V001', '市民体育館'],
		['V030', 'あ'.repeat(30)],
		['V031', 'あ'.repeat(31)]
	]),
	doctors: new Map([
		['D002', '髙橋 一郎'],
		['D020', '医'.repeat(20)],
		['D021', '医'.repeat(21)]
	])
};

let seq = 0;
/** An exported record of a dose (or a screening) with the given fields. */
function rec(over: Record<string, unknown>, extra: Partial<ExportRecord> = {}, notVaccinated = false): ExportRecord {
	seq += 1;
	const id = `01936f4f-2b3c-7d4e-9f5a-${String(seq).padStart(12, '0')}`;
	const event = notVaccinated ? sampleNotVaccinated({ id, ...over }) : sampleDose({ id, siteCode: 'V001', ...over });
	return {
		recordId: id,
		currentEventId: id,
		versions: 1,
		status: 'active',
		batchId: event.batch,
		deviceId: event.device,
		serviceDay: '2026-11-22',
		batchMunicipality: '131016',
		firstRecordedAt: '2026/11/22 10:01:30',
		givenAtJst: '2026/11/22 10:00:00',
		operator: 'N001',
		record: recordOf(event)!,
		...extra
	};
}

/** The published header, written out for doses 1..n (not made with the code under test). */
function publishedHeader(n: number): string[] {
	const out = ['個別宛名番号'];
	for (let i = 1; i <= n; i++) {
		out.push(
			`${i}回目接種履歴登録日時`,
			`${i}回目接種日`,
			`${i}回目券番号`,
			`${i}回目接種自治体コード`,
			`${i}回目接種会場名`,
			`${i}回目接種医師名`,
			`${i}回目ワクチンメーカー`,
			`${i}回目ワクチンロット番号`
		);
	}
	return out;
}
const EMPTY_GROUP = ['', '', '', '', '', '', '', ''];

describe('the VRS ledger layout', () => {
	it('writes one line per ticket, each active dose in its dose-number group and the others empty', () => {
		const records = [
			// Ticket 131016-0000000002: doses 3 and 1 (out of order on purpose), and a voided dose 2.
			rec(
				{
					municipality: '131016',
					ticketNumber: '0000000002',
					doseNumber: 3,
					vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD0003', expiry: '2099-12-31', volumeMl: 0.5 }
				},
				{
					firstRecordedAt: '2026/11/22 09:05:07',
					givenAtJst: '2026/11/22 09:04:00'
				}
			),
			rec(
				{ municipality: '131016', ticketNumber: '0000000002', doseNumber: 1 },
				{ firstRecordedAt: '2026/05/01 13:00:59', givenAtJst: '2026/05/01 12:59:00' }
			),
			rec({ municipality: '131016', ticketNumber: '0000000002', doseNumber: 2 }, { status: 'voided' }),
			// Ticket 131016-0000000001: dose 1 only; a 接種不適当 of the same ticket is no dose.
			rec({ municipality: '131016', ticketNumber: '0000000001', doseNumber: 1, vaccinatingDoctor: 'D020' }),
			rec({ municipality: '131016', ticketNumber: '0000000001', doseNumber: 2 }, {}, true)
		];
		const r = vrsTable(records, names, DEFAULT_VACCINE_CATALOG);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.header).toEqual(publishedHeader(6));
		expect(r.header).toHaveLength(1 + 6 * 8);
		expect(r.rows).toEqual([
			[
				'',
				'20261122100130',
				'20261122',
				'0000000001',
				'131016',
				'市民体育館',
				'医'.repeat(20),
				'ファイザー',
				'FA1234',
				...Array(5).fill(EMPTY_GROUP).flat()
			],
			[
				'',
				'20260501130059',
				'20260501',
				'0000000002',
				'131016',
				'市民体育館',
				'髙橋 一郎',
				'ファイザー',
				'FA1234',
				...EMPTY_GROUP,
				'20261122090507',
				'20261122',
				'0000000002',
				'131016',
				'市民体育館',
				'髙橋 一郎',
				'モデルナ',
				'MD0003',
				...EMPTY_GROUP,
				...EMPTY_GROUP,
				...EMPTY_GROUP
			]
		]);
	});

	it('has as many groups as the catalogue has dose numbers', () => {
		const catalog: VaccineCatalog = { ...DEFAULT_VACCINE_CATALOG, maxDoseNumber: 7 };
		const r = vrsTable([rec({ doseNumber: 7 })], names, catalog);
		expect(r.ok && r.header).toEqual(publishedHeader(7));
		expect(r.ok && r.rows[0]!.slice(1 + 6 * 8, 1 + 6 * 8 + 4)).toEqual([
			'20261122100130',
			'20261122',
			'0000012345',
			'131016'
		]);
	});

	it('writes the ticket’s own municipality in 接種自治体コード, not the batch’s', () => {
		const r = vrsTable(
			[rec({ municipality: '131041', otherMunicipality: true, doseNumber: 1 }, { batchMunicipality: '131016' })],
			names,
			DEFAULT_VACCINE_CATALOG
		);
		expect(r.ok && r.rows[0]!.slice(3, 5)).toEqual(['0000012345', '131041']);
	});

	it('refuses two active doses of one ticket with one dose number, naming ticket and dose', () => {
		const a = rec({ municipality: '131016', ticketNumber: '0000000009', doseNumber: 2 });
		const b = rec({ municipality: '131016', ticketNumber: '0000000009', doseNumber: 2 });
		const r = vrsTable([a, b], names, DEFAULT_VACCINE_CATALOG);
		expect(r).toMatchObject({
			ok: false,
			refusal: {
				code: 'DUPLICATE_DOSE',
				municipality: '131016',
				ticketNumber: '0000000009',
				doseNumber: 2,
				recordIds: [a.recordId, b.recordId].sort()
			}
		});
		expect(!r.ok && r.refusal.message).toContain('131016-0000000009 の2回目');
		expect(!r.ok && r.refusal.message).toContain('照合キュー');
		// One of them voided: no conflict.
		expect(vrsTable([a, { ...b, status: 'voided' }], names, DEFAULT_VACCINE_CATALOG).ok).toBe(true);
		// The same dose number on two tickets (or two municipalities' tickets with one 券番号) is fine.
		expect(
			vrsTable(
				[a, rec({ municipality: '131041', ticketNumber: '0000000009', doseNumber: 2 })],
				names,
				DEFAULT_VACCINE_CATALOG
			).ok
		).toBe(true);
	});

	it('refuses a dose number beyond the catalogue’s', () => {
		const r = vrsTable([rec({ doseNumber: 4 })], names, { ...DEFAULT_VACCINE_CATALOG, maxDoseNumber: 3 });
		expect(r).toMatchObject({ ok: false, refusal: { code: 'DOSE_BEYOND_CATALOG', doseNumber: 4, maxDose: 3 } });
	});

	it('refuses a text longer than its column allows by line and column, naming the master to fix', () => {
		const catalog: VaccineCatalog = {
			...DEFAULT_VACCINE_CATALOG,
			makers: { ...DEFAULT_VACCINE_CATALOG.makers, moderna: { name: 'モ'.repeat(21) } }
		};
		const ok = (r: ReturnType<typeof vrsTable>) => r.ok;
		// At the limit: accepted (30 for 会場名, 20 for 医師名, メーカー and ロット).
		expect(
			ok(
				vrsTable([rec({ siteCode: 'V030', vaccinatingDoctor: 'D020' })], names, {
					...catalog,
					makers: { ...catalog.makers, pfizer: { name: 'フ'.repeat(20) } }
				})
			)
		).toBe(true);

		const line3 = (over: Record<string, unknown>) =>
			vrsTable(
				[rec({ ticketNumber: '0000000001' }), rec({ ticketNumber: '0000000002', doseNumber: 2, ...over })],
				names,
				catalog
			);
		expect(line3({ siteCode: 'V031' })).toMatchObject({
			ok: false,
			refusal: {
				code: 'TOO_LONG',
				line: 3,
				column: '2回目接種会場名',
				length: 31,
				limit: 30,
				source: { kind: 'site', code: 'V031' }
			}
		});
		const site = line3({ siteCode: 'V031' });
		expect(!site.ok && site.refusal.message).toBe(
			'3行目「2回目接種会場名」は31文字で、VRS形式の上限（30文字）を超えています。「会場・医師」画面の「会場・医療機関の名称」で V031 の名称を30文字以内にしてください。'
		);
		const doctor = line3({ vaccinatingDoctor: 'D021' });
		expect(doctor).toMatchObject({
			ok: false,
			refusal: {
				code: 'TOO_LONG',
				line: 3,
				column: '2回目接種医師名',
				limit: 20,
				source: { kind: 'doctor', code: 'D021' }
			}
		});
		expect(!doctor.ok && doctor.refusal.message).toContain('「会場・医師」画面の「医師の氏名」で D021');
		const maker = line3({
			vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD0001', expiry: '2099-12-31', volumeMl: 0.5 }
		});
		expect(maker).toMatchObject({
			ok: false,
			refusal: {
				code: 'TOO_LONG',
				line: 3,
				column: '2回目ワクチンメーカー',
				length: 21,
				limit: 20,
				source: { kind: 'maker', code: 'moderna' }
			}
		});
		expect(!maker.ok && maker.refusal.message).toContain('「製品」画面の「製造販売業者」で moderna');
		// A lot the schema would not even accept (1–20 characters), should one ever reach the ledger.
		const lot = line3({
			vaccine: { product: 'comirnaty', maker: 'pfizer', lot: 'L'.repeat(21), expiry: '2099-12-31', volumeMl: 0.3 }
		});
		expect(lot).toMatchObject({
			ok: false,
			refusal: { code: 'TOO_LONG', line: 3, column: '2回目ワクチンロット番号', source: { kind: 'lot' } }
		});
		// Characters, not bytes: a 20-character name of surrogate pairs is within the limit.
		const wide: NameMasters = { ...names, doctors: new Map([['D002', '𠮷'.repeat(20)]]) };
		expect(vrsTable([rec({})], wide, DEFAULT_VACCINE_CATALOG).ok).toBe(true);
	});

	it('needs the names of sites and vaccinating doctors only', () => {
		const r = [rec({ siteCode: 'V999', vaccinatingDoctor: 'D999', screeningDoctor: 'D998' })];
		expect(missingNames('vrs', r, names)).toEqual({ sites: ['V999'], doctors: ['D999'] });
	});
});

describe('the dose list (接種一覧, the former per-dose VRS file)', () => {
	it('writes one line per active dose, eight columns, slash dates and the batch’s municipality', () => {
		const records = [
			rec({ municipality: '131041', ticketNumber: '0000000007' }),
			rec({ ticketNumber: '0000000008' }, { status: 'voided' }),
			rec({}, {}, true)
		];
		const t = layoutTable('doses', records, names, DEFAULT_VACCINE_CATALOG);
		expect(t.header).toEqual([
			'接種履歴登録日時',
			'接種日',
			'券番号',
			'接種自治体コード',
			'接種会場名',
			'接種医師名',
			'ワクチンメーカー',
			'ワクチンロット番号'
		]);
		expect(t.rows).toEqual([
			['2026/11/22 10:01:30', '2026/11/22', '0000000007', '131016', '市民体育館', '髙橋 一郎', 'ファイザー', 'FA1234']
		]);
	});
});
