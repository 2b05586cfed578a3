import { describe, expect, it } from 'vitest';
import { DEFAULT_VACCINE_CATALOG } from '#shared/index';
import type { Reason } from '#shared/office/reconciliation';
import { lateAfterCloseRule, refusedRule, tallyRule } from './batch-rules';
import { recordRules } from './record-rules';
import { ticketRules } from './ticket-rules';
import type { RecordFacts } from './types';

const TENANT = '131016';

let n = 0;
function rec(over: Partial<RecordFacts> = {}): RecordFacts {
	n++;
	return {
		recordId: `r${n}`,
		currentEventId: `e${n}`,
		batchId: 'b1',
		outcome: 'dose',
		municipality: TENANT,
		ticketNumber: '0000000001',
		doseNumber: 1,
		ticketDose: 1,
		givenAt: '2026-11-22T01:00:00.000Z',
		siteCode: 'V001',
		product: 'comirnaty',
		lot: 'FA1234',
		register: { eligibleDoses: null, movedOutOn: null, deceasedOn: null },
		lotMaster: { expiry: '2027-03-31', sites: ['V001'] },
		lotProducts: ['comirnaty'],
		...over
	};
}

const reasons = (fs: { reason: Reason }[]) => fs.map((f) => f.reason).sort();

describe('record rules', () => {
	const cases: [string, Partial<RecordFacts>, Reason[]][] = [
		['a clean dose raises nothing', {}, []],
		['回数 digit disagrees', { ticketDose: 2 }, ['ticket-dose-mismatch']],
		['回数 digit absent (NW-7)', { ticketDose: null, doseNumber: 3 }, []],
		['another municipality', { municipality: '131041' }, ['other-municipality']],
		[
			'another municipality is not looked up in our register',
			{ municipality: '131041', register: null },
			['other-municipality']
		],
		['not in the register', { register: null }, ['ticket-not-in-register']],
		['register not in use: no register rule', { register: undefined }, []],
		[
			'dose not issued on this ticket',
			{ doseNumber: 2, ticketDose: 2, register: { eligibleDoses: [1], movedOutOn: null, deceasedOn: null } },
			['ticket-not-in-register']
		],
		['dose issued', { register: { eligibleDoses: [1, 2], movedOutOn: null, deceasedOn: null } }, []],
		[
			'moved out before the dose',
			{ register: { eligibleDoses: null, movedOutOn: '2026-11-01', deceasedOn: null } },
			['holder-moved-out']
		],
		[
			'moved out on the dose day',
			{ register: { eligibleDoses: null, movedOutOn: '2026-11-22', deceasedOn: null } },
			['holder-moved-out']
		],
		['moved out after the dose', { register: { eligibleDoses: null, movedOutOn: '2026-11-23', deceasedOn: null } }, []],
		[
			'deceased before the dose',
			{ register: { eligibleDoses: null, movedOutOn: null, deceasedOn: '2026-11-21' } },
			['holder-deceased']
		],
		['deceased after the dose', { register: { eligibleDoses: null, movedOutOn: null, deceasedOn: '2026-12-01' } }, []],
		['lot unknown', { lotMaster: null, lotProducts: [] }, ['lot-unknown']],
		['lot of another product', { lotMaster: null, lotProducts: ['spikevax'] }, ['lot-wrong-product']],
		['lot expired on the dose day', { lotMaster: { expiry: '2026-11-21', sites: ['V001'] } }, ['lot-expired']],
		['lot expiring on the dose day is usable', { lotMaster: { expiry: '2026-11-22', sites: ['V001'] } }, []],
		['lot not delivered to the venue', { lotMaster: { expiry: '2027-01-01', sites: ['V002'] } }, ['lot-not-delivered']],
		[
			'a screening without dose has no lot rules',
			{ outcome: 'not-vaccinated', product: null, lot: null, lotMaster: null, lotProducts: [] },
			[]
		],
		// 2026-11-21T15:30Z is 2026-11-22 00:30 JST: the service day, not the UTC date, counts.
		[
			'dates compare by JST day',
			{ givenAt: '2026-11-21T15:30:00.000Z', lotMaster: { expiry: '2026-11-21', sites: ['V001'] } },
			['lot-expired']
		]
	];
	it.each(cases)('%s', (_name, over, expected) => {
		expect(reasons(recordRules(rec(over), TENANT))).toEqual([...expected].sort());
	});

	it('keys a finding by the record version it judged', () => {
		const r = rec({ ticketDose: 2 });
		const [f] = recordRules(r, TENANT);
		expect(f).toMatchObject({
			reason: 'ticket-dose-mismatch',
			subject: r.currentEventId,
			recordId: r.recordId,
			batchId: 'b1',
			doseNumber: 1
		});
	});
});

describe('ticket rules', () => {
	const day = (d: string) => `${d}T01:00:00.000Z`;
	const cases: [string, Partial<RecordFacts>[], Reason[]][] = [
		['one dose', [{}], []],
		['same ticket and dose twice: both records', [{}, { batchId: 'b2' }], ['duplicate', 'duplicate']],
		['same ticket, different doses', [{}, { doseNumber: 2, ticketDose: 2, givenAt: day('2026-12-20') }], []],
		['a screening and a dose are not duplicates', [{ outcome: 'not-vaccinated', product: null, lot: null }, {}], []],
		['other tickets are not duplicates', [{}, { ticketNumber: '0000000002' }], []],
		[
			'dose 2 before dose 1',
			[{ givenAt: day('2026-11-22') }, { doseNumber: 2, givenAt: day('2026-11-01') }],
			['dose-out-of-order']
		],
		[
			'dose 2 three weeks after dose 1 (comirnaty: 21 days)',
			[{ givenAt: day('2026-11-01') }, { doseNumber: 2, givenAt: day('2026-11-22') }],
			[]
		],
		[
			'dose 2 twenty days after dose 1',
			[{ givenAt: day('2026-11-01') }, { doseNumber: 2, givenAt: day('2026-11-21') }],
			['interval-too-short']
		],
		[
			'dose 3 89 days after dose 2',
			[
				{ doseNumber: 2, givenAt: day('2026-08-25') },
				{ doseNumber: 3, givenAt: day('2026-11-22') }
			],
			['interval-too-short']
		],
		['dose 2 with no dose 1 on record', [{ doseNumber: 2, givenAt: day('2026-11-22') }], []]
	];
	it.each(cases)('%s', (_name, overs, expected) => {
		expect(
			reasons(
				ticketRules(
					overs.map((o) => rec(o)),
					DEFAULT_VACCINE_CATALOG
				)
			)
		).toEqual([...expected].sort());
	});

	it('names five of the other records of a duplicate and counts them all', () => {
		const records = Array.from({ length: 8 }, (_, i) => rec({ batchId: `b${i}` }));
		const findings = ticketRules(records, DEFAULT_VACCINE_CATALOG);
		expect(findings.map((f) => [f.recordId, f.details])).toEqual(
			records.map((r) => [
				r.recordId,
				{
					records: 8,
					others: records
						.filter((o) => o !== r)
						.slice(0, 5)
						.map((o) => o.recordId)
				}
			])
		);
	});
});

describe('batch rules', () => {
	it.each([
		[10, 10, []],
		[10, 9, ['tally-mismatch']],
		[0, 1, ['tally-mismatch']]
	] as const)('tally %i against %i records', (paperTally, activeRecords, expected) => {
		expect(reasons(tallyRule({ batchId: 'b1', closeEventId: 'c1', paperTally, activeRecords }))).toEqual(expected);
	});

	it('asks again when the count changes', () => {
		const a = tallyRule({ batchId: 'b1', closeEventId: 'c1', paperTally: 10, activeRecords: 9 })[0]!;
		const b = tallyRule({ batchId: 'b1', closeEventId: 'c1', paperTally: 10, activeRecords: 8 })[0]!;
		expect(a.subject).not.toBe(b.subject);
	});

	it('raises events that arrived after an office close, and asks again when more arrive', () => {
		expect(lateAfterCloseRule({ batchId: 'b1', closeEventId: 'c1', lateEvents: 0, newRecords: 0 })).toEqual([]);
		const one = lateAfterCloseRule({ batchId: 'b1', closeEventId: 'c1', lateEvents: 1, newRecords: 1 });
		expect(one).toMatchObject([
			{
				reason: 'late-after-close',
				batchId: 'b1',
				eventId: 'c1',
				recordId: null,
				details: { lateEvents: 1, newRecords: 1 }
			}
		]);
		const two = lateAfterCloseRule({ batchId: 'b1', closeEventId: 'c1', lateEvents: 2, newRecords: 1 });
		expect(two[0]!.subject).not.toBe(one[0]!.subject);
	});

	it('raises every refused update', () => {
		expect(refusedRule({ id: 7, batchId: 'b1', code: 'EVENT_SCHEMA', eventIds: ['x'] })).toMatchObject([
			{ reason: 'refused-update', subject: 'refused:7', batchId: 'b1' }
		]);
	});

	it('raises each refused event kept with its content as its own item, by event id, with its ticket and every problem', () => {
		const problems = [
			{
				code: 'MUNICIPALITY_CHECK_DIGIT',
				path: 'municipality',
				message: '市町村コード：市町村コードが正しくありません（検査数字の不一致）。'
			},
			{ code: 'LOT_EXPIRED', path: 'vaccine.expiry', message: '有効期限：接種日にはロットの有効期限が切れています。' }
		];
		const event = (id: number, eventId: string) => ({
			id,
			eventId,
			code: 'EVENT_SCHEMA',
			municipality: '131016',
			ticketNumber: '0000000001',
			doseNumber: 3,
			lot: 'AB1234',
			givenAt: '2026-11-22T10:00:00+09:00',
			withheld: null,
			myNumberField: null,
			problems
		});
		const findings = refusedRule({
			id: 7,
			batchId: 'b1',
			code: 'EVENT_SCHEMA',
			eventIds: ['e1', 'e2'],
			events: [event(1, 'e1'), event(2, 'e2')]
		});
		expect(findings.map((f) => f.subject)).toEqual(['refused-event:e1', 'refused-event:e2']);
		expect(findings[0]).toMatchObject({
			municipality: '131016',
			ticketNumber: '0000000001',
			doseNumber: 3,
			details: { refusedEventId: 1, lot: 'AB1234', problems }
		});
		// The same event refused again (resent) is the same finding.
		expect(
			refusedRule({ id: 8, batchId: 'b1', code: 'EVENT_SCHEMA', eventIds: ['e1'], events: [event(3, 'e1')] })[0]!
				.subject
		).toBe(findings[0]!.subject);
	});
});
