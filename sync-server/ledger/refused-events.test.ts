import { describe, expect, it } from 'vitest';
import { sampleDose } from '#shared/domain/testing/fixtures';
import { MAX_REFUSED_CONTENT_CHARS, refusalCodeOf, refusedEvent, summaryOf } from './refused-events';

const schema = {
	code: 'LOT_FORMAT',
	path: 'vaccine.lot',
	message: 'ロット番号の形式が正しくありません（英数字記号20文字以内）。'
};

describe('what is kept of a refused event', () => {
	it('keeps the content and every problem', () => {
		const ev = sampleDose();
		expect(refusedEvent(ev, [schema])).toEqual({
			eventId: ev.id,
			content: ev,
			withheld: null,
			myNumberField: null,
			problems: [schema]
		});
	});

	it('keeps only the field of a My Number, whether the validator or this second look found it', () => {
		const ev = sampleDose({ screeningDoctor: '123456789018' });
		const byValidator = refusedEvent(ev, [{ code: 'MY_NUMBER', path: 'screeningDoctor', message: '個人番号…' }]);
		expect(byValidator).toMatchObject({ content: null, withheld: 'my-number', myNumberField: 'screeningDoctor' });
		// Refused for another reason, yet holding one (a path that skipped the validator): withheld all the same.
		const bySecondLook = refusedEvent(ev, [schema]);
		expect(bySecondLook).toMatchObject({
			content: null,
			withheld: 'my-number',
			myNumberField: 'screeningDoctor',
			problems: [schema, { code: 'MY_NUMBER', path: 'screeningDoctor' }]
		});
		expect(JSON.stringify([byValidator, bySecondLook])).not.toContain('123456789018');
	});

	it('keeps no content beyond its size bound', () => {
		const ev = { ...sampleDose(), reasonNote: 'x'.repeat(MAX_REFUSED_CONTENT_CHARS) };
		expect(refusedEvent(ev, [schema])).toMatchObject({ content: null, withheld: 'too-large', problems: [schema] });
	});

	it('reads ticket, dose, lot and date only where each has its proper form', () => {
		expect(summaryOf(sampleDose())).toEqual({
			type: 'dose',
			municipality: '131016',
			ticketNumber: '0000012345',
			doseNumber: 3,
			lot: 'FA1234',
			givenAt: '2025-10-01T01:30:00.000Z'
		});
		expect(
			summaryOf({
				municipality: 131016,
				ticketNumber: '12',
				doseNumber: 1.5,
				vaccine: { lot: 'a b' },
				givenAt: 'today'
			})
		).toEqual({
			type: null,
			municipality: null,
			ticketNumber: null,
			doseNumber: null,
			lot: null,
			givenAt: null
		});
		expect(summaryOf(null).ticketNumber).toBeNull();
	});

	it("names each refused event's own refusal code", () => {
		expect(refusalCodeOf([schema])).toBe('EVENT_SCHEMA');
		expect(refusalCodeOf([{ code: 'BATCH_SITE_MISMATCH', path: 'siteCode', message: '' }])).toBe('EVENT_NOT_OF_BATCH');
		expect(refusalCodeOf([{ code: 'SERVICE_DAY_FUTURE', path: 'batch', message: '' }, schema])).toBe(
			'SERVICE_DAY_FUTURE'
		);
		expect(refusalCodeOf([{ code: 'MY_NUMBER', path: 'operator', message: '' }])).toBe('MY_NUMBER');
	});
});
