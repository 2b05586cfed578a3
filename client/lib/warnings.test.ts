import { describe, expect, it } from 'vitest';
import { sampleDose } from '#shared/domain/testing/fixtures';
import type { DoseEvent } from '#shared/index';
import { confirmationWarnings, expectedDose, standingDoses, standingInRecords } from './warnings';
import { currentRecords } from './records';
import type { EventState } from './storage/db';
import { eventView } from './testing/event-view';

const ticket = { kind: '1', dose: 2, municipality: '131016', number: '0000012345' };
const dose1 = sampleDose({ ticketNumber: '0000012345', doseNumber: 1, municipality: '131016' });
const base = {
	ticket,
	doseNumber: 2,
	homeMunicipality: '131016',
	here: [],
	venue: [],
	lotExpiry: '2030-12-31',
	today: '2026-11-22'
};

describe('confirmation warnings', () => {
	it('none for a plain next dose', () => {
		expect(confirmationWarnings({ ...base, here: [dose1] })).toEqual([]);
	});
	it('the same ticket and dose recorded on this device or at another table', () => {
		const dose2 = { ...dose1, doseNumber: 2 };
		expect(confirmationWarnings({ ...base, here: [dose2] })).toEqual(['RECORDED_HERE']);
		expect(confirmationWarnings({ ...base, venue: [dose2] })).toEqual(['RECORDED_AT_VENUE']);
	});
	it("another municipality's ticket, a 回数 digit that does not follow, a lot expiring today", () => {
		expect(confirmationWarnings({ ...base, ticket: { ...ticket, municipality: '131041' } })).toEqual([
			'OTHER_MUNICIPALITY'
		]);
		expect(confirmationWarnings({ ...base, ticket: { ...ticket, dose: 4 }, doseNumber: 4, here: [dose1] })).toEqual([
			'DOSE_DIGIT'
		]);
		expect(confirmationWarnings({ ...base, lotExpiry: '2026-11-22' })).toEqual(['LOT_EXPIRES_TODAY']);
	});
	it('expects the next dose when the code carries no 回数 digit (NW-7)', () => {
		const nw7 = { ...ticket, kind: null, dose: null };
		expect(expectedDose(nw7, [])).toBe(1);
		expect(expectedDose(nw7, [dose1])).toBe(2);
		expect(expectedDose(ticket, [])).toBe(2);
	});
});

describe('warnings read the records as they stand (after corrections and voids)', () => {
	const dose2 = { ...dose1, id: '01936f60-0000-7000-8000-000000000002', doseNumber: 2 };
	const common = { batch: dose2.batch, device: dose2.device, operator: 'N001' };
	const voiding = {
		...common,
		id: '01936f60-0000-7000-8000-000000000003',
		type: 'void',
		recordedAt: '2025-10-01T05:00:00.000Z',
		replaces: dose2.id,
		reason: '二重登録'
	} as DoseEvent;
	const { id: _i, batch: _b, device: _d, operator: _o, recordedAt: _r, ...record2 } = dose2;
	const toDose3 = {
		...common,
		id: '01936f60-0000-7000-8000-000000000004',
		type: 'correction',
		recordedAt: '2025-10-01T04:00:00.000Z',
		replaces: dose2.id,
		reason: '回数の訂正',
		record: { ...record2, doseNumber: 3 }
	} as DoseEvent;
	const voidCorrection = {
		...voiding,
		id: '01936f60-0000-7000-8000-000000000005',
		recordedAt: '2025-10-01T06:00:00.000Z',
		replaces: toDose3.id
	} as DoseEvent;

	it('a voided dose is not "already recorded", here or at another table', () => {
		expect(confirmationWarnings({ ...base, here: [dose1, dose2, voiding] })).toEqual([]);
		expect(confirmationWarnings({ ...base, venue: [dose1, dose2, voiding] })).toEqual([]);
	});
	it('a corrected dose counts with its corrected dose number, not the one first saved', () => {
		// Dose 2 corrected to 3: a second dose is not recorded (only out of step after the third).
		expect(confirmationWarnings({ ...base, here: [dose1, dose2, toDose3] })).toEqual(['DOSE_DIGIT']);
		expect(
			confirmationWarnings({ ...base, ticket: { ...ticket, dose: 3 }, doseNumber: 3, venue: [dose1, dose2, toDose3] })
		).toEqual(['RECORDED_AT_VENUE']);
		// Corrected, then voided: only dose 1 stands, so a third dose is out of step, not recorded.
		expect(
			confirmationWarnings({
				...base,
				ticket: { ...ticket, dose: 3 },
				doseNumber: 3,
				here: [dose1, dose2, toDose3, voidCorrection]
			})
		).toEqual(['DOSE_DIGIT']);
	});
	it('a dose corrected into a screening (接種不適当) no longer counts as a dose', () => {
		const {
			vaccine: _v,
			injectionSite: _s,
			route: _ro,
			vaccinatingDoctor: _vd,
			certificateIssued: _c,
			...screening
		} = record2;
		const toScreening = {
			...toDose3,
			record: { ...screening, type: 'not-vaccinated', reason: 'fever', reasonNote: null }
		} as DoseEvent;
		expect(confirmationWarnings({ ...base, here: [dose1, dose2, toScreening] })).toEqual([]);
	});
	it('the next dose is proposed from the doses that stand', () => {
		const nw7 = { ...ticket, kind: null, dose: null };
		expect(expectedDose(nw7, [dose1, dose2])).toBe(3);
		expect(expectedDose(nw7, [dose1, dose2, voiding])).toBe(2);
		expect(expectedDose(nw7, [dose1, dose2, toDose3])).toBe(4);
	});
	it('the doses standing among current records are those standingDoses finds in their events', () => {
		const views = (events: DoseEvent[], state: EventState = 'local') => events.map((e) => eventView(e, state));
		const dose = (r: { municipality: string; ticketNumber: string; doseNumber: number }) =>
			`${r.municipality}/${r.ticketNumber}/${r.doseNumber}`;
		for (const day of [
			[dose1, dose2],
			[dose1, dose2, voiding],
			[dose1, dose2, toDose3],
			[dose1, dose2, toDose3, voidCorrection],
			[toDose3, dose2]
		])
			expect(
				standingInRecords(currentRecords(views(day)))!
					.map(dose)
					.sort()
			).toEqual(standingDoses(day).map(dose).sort());
		// A refused event is left out of the events standingDoses is given: the records cannot say it.
		expect(standingInRecords(currentRecords([...views([dose1, dose2]), ...views([toDose3], 'refused')]))).toBeNull();
	});
	it('standingDoses keeps the latest version of each record, whatever order the events come in', () => {
		expect(standingDoses([voidCorrection, toDose3, dose2, dose1]).map((r) => r.doseNumber)).toEqual([1]);
		expect(standingDoses([toDose3, dose2]).map((r) => r.doseNumber)).toEqual([3]);
	});
	it('a void of a correction counts even when the clock puts it before the correction (as in the ledger)', () => {
		// The tablet's clock was set back between the correction and its void.
		const early = { ...voidCorrection, recordedAt: '2025-10-01T03:00:00.000Z' } as DoseEvent;
		expect(standingDoses([dose1, dose2, toDose3, early]).map((r) => r.doseNumber)).toEqual([1]);
	});
});
