import { describe, expect, it } from 'vitest';
import { sampleDose } from '#shared/domain/testing/fixtures';
import type { DoseEvent } from '#shared/index';
import { currentRecords } from './records';
import { openRefusals, recordedAgain, refusedRecords } from './refused';
import { eventView } from './testing/event-view';

const view = eventView;
const dose = (id: string, ticketNumber: string, doseNumber = 1) =>
	({ ...sampleDose(), id: `01936f60-0000-7000-8000-${id.padStart(12, '0')}`, ticketNumber, doseNumber }) as DoseEvent;

describe('refused records on the station', () => {
	it('counts a refused record as open until the same ticket and dose stands again, not refused', () => {
		const refused = view(dose('1', '0000000001'), 'refused');
		const other = view(dose('2', '0000000002'), 'receipted');
		expect(openRefusals(currentRecords([refused, other]))).toBe(1);
		expect(refusedRecords(currentRecords([refused, other])).map((r) => r.id)).toEqual([refused.id]);

		// Another dose number of the same ticket, or a record refused as well, does not settle it.
		const secondDose = view(dose('3', '0000000001', 2), 'receipted');
		const refusedAgain = view(dose('4', '0000000001'), 'refused');
		expect(openRefusals(currentRecords([refused, other, secondDose, refusedAgain]))).toBe(2);

		// Recorded again and waiting to be sent: settled on the station (the new record is pending).
		const again = view(dose('5', '0000000001'), 'local');
		const records = currentRecords([refused, other, again]);
		expect([...recordedAgain(records)]).toEqual([refused.id]);
		expect(openRefusals(records)).toBe(0);
	});
});
