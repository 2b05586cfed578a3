import { describe, expect, it } from 'vitest';
import { sampleDose } from '$shared/domain/testing/fixtures';
import { confirmationWarnings, expectedDose } from './warnings';

const ticket = { kind: '1', dose: 2, municipality: '131016', number: '0000012345' };
const dose1 = sampleDose({ ticketNumber: '0000012345', doseNumber: 1, municipality: '131016' });
const base = { ticket, doseNumber: 2, homeMunicipality: '131016', here: [], venue: [], lotExpiry: '2030-12-31', today: '2026-11-22' };

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
		expect(confirmationWarnings({ ...base, ticket: { ...ticket, municipality: '131041' } })).toEqual(['OTHER_MUNICIPALITY']);
		expect(confirmationWarnings({ ...base, ticket: { ...ticket, dose: 4 }, doseNumber: 4, here: [dose1] })).toEqual(['DOSE_DIGIT']);
		expect(confirmationWarnings({ ...base, lotExpiry: '2026-11-22' })).toEqual(['LOT_EXPIRES_TODAY']);
	});
	it('expects the next dose when the code carries no 回数 digit (NW-7)', () => {
		const nw7 = { ...ticket, kind: null, dose: null };
		expect(expectedDose(nw7, [])).toBe(1);
		expect(expectedDose(nw7, [dose1])).toBe(2);
		expect(expectedDose(ticket, [])).toBe(2);
	});
});
