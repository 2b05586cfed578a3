import { describe, expect, it } from 'vitest';
import { sampleDose, sampleNotVaccinated } from '#shared/domain/testing/fixtures';
import type { DoseEvent } from '#shared/index';
import { currentRecords, municipalityGroups, totalsByLot } from './records';
import { eventView } from './testing/event-view';

const view = eventView;

describe('current records', () => {
	const dose = sampleDose();
	const { id: _i, batch: _b, device: _d, operator: _o, recordedAt: _r, ...record } = dose;
	const correction = {
		id: '01936f60-0000-7000-8000-00000000000a',
		type: 'correction',
		batch: dose.batch,
		device: dose.device,
		operator: 'N001',
		recordedAt: '2025-10-01T02:00:00.000Z',
		replaces: dose.id,
		reason: '部位の訂正',
		record: { ...record, injectionSite: 'right-deltoid' }
	} as DoseEvent;
	const voiding = {
		id: '01936f60-0000-7000-8000-00000000000b',
		type: 'void',
		batch: dose.batch,
		device: dose.device,
		operator: 'N001',
		recordedAt: '2025-10-01T03:00:00.000Z',
		replaces: correction.id,
		reason: '二重登録'
	} as DoseEvent;

	it('applies the latest correction and a void, and shows the least advanced state', () => {
		const [r] = currentRecords([view(dose), view(correction, 'local')]);
		expect(r).toMatchObject({ id: dose.id, corrected: true, voided: false, state: 'local', latestId: correction.id });
		expect(r!.record).toMatchObject({ injectionSite: 'right-deltoid' });
		expect(currentRecords([view(dose), view(correction), view(voiding)])[0]).toMatchObject({ voided: true });
	});

	it('totals standing doses by product and lot', () => {
		const other = sampleDose({
			id: '01936f60-0000-7000-8000-00000000000c',
			vaccine: { ...dose.vaccine, lot: 'FB0001' }
		});
		const records = currentRecords([view(dose), view(other), view(sampleNotVaccinated())]);
		expect(totalsByLot(records)).toEqual([
			{ product: 'comirnaty', lot: 'FA1234', count: 1 },
			{ product: 'comirnaty', lot: 'FB0001', count: 1 }
		]);
		expect(totalsByLot(currentRecords([view(dose), view(correction), view(voiding)]))).toEqual([]);
	});

	it('keeps a void of a correction that the clock puts before the correction (as the ledger does)', () => {
		// The tablet's clock was set back between the correction and its void.
		const early = { ...voiding, recordedAt: '2025-10-01T01:59:00.000Z' } as DoseEvent;
		const [r] = currentRecords([view(dose), view(correction), view(early)]);
		expect(r).toMatchObject({ id: dose.id, voided: true, corrected: true, versions: 3 });
	});

	it("carries the server's refusal reason to the record", () => {
		const refused = { ...view(dose, 'refused'), refusal: { code: 'EVENT_SCHEMA', message: 'x' } };
		expect(currentRecords([refused])[0]).toMatchObject({ state: 'refused', refusal: { code: 'EVENT_SCHEMA' } });
	});
});

describe('municipality codes as people read them', () => {
	it('the five digits of the 団体コード, then the check digit apart', () => {
		expect(municipalityGroups('131016')).toEqual(['13101', '6']);
		expect(municipalityGroups('011002')).toEqual(['01100', '2']);
	});
});
