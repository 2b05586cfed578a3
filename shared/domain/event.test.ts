import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchId } from './batch';
import {
	createEventValidator,
	EVENT_ERROR_CODES,
	EVENT_ERROR_MESSAGES,
	MAX_DOSE_NUMBER,
	NOT_VACCINATED_REASON_LABELS,
	NOT_VACCINATED_REASONS,
	recordOf,
	validateEvent,
	type DoseEvent,
	type EventErrorCode,
	type EventValidator
} from './event';
import { containsMyNumber } from './my-number';
import { digitString, municipalityCode, validMyNumber } from './testing/arbitraries';
import {
	SAMPLE_DEVICE,
	sampleBatchClose,
	sampleBatchReopen,
	sampleCorrection,
	sampleDose,
	sampleNotVaccinated,
	sampleVoid
} from './testing/fixtures';
import { DEFAULT_VACCINE_CATALOG, type VaccineCatalog } from './vaccines';

const SAMPLES: DoseEvent[] = [
	sampleDose(),
	sampleNotVaccinated(),
	sampleCorrection(),
	sampleVoid(),
	sampleBatchClose(),
	sampleBatchReopen()
];

const without = (o: object, key: string): Record<string, unknown> => {
	const copy: Record<string, unknown> = { ...o };
	delete copy[key];
	return copy;
};
const withVaccine = (patch: Record<string, unknown>) => ({
	...sampleDose(),
	vaccine: { ...sampleDose().vaccine, ...patch }
});

/** A catalog where one product may only be given as doses 1 and 2. */
const TWO_DOSE_CATALOG: VaccineCatalog = {
	...DEFAULT_VACCINE_CATALOG,
	products: DEFAULT_VACCINE_CATALOG.products.map((p) =>
		p.code === 'comirnaty' ? { ...p, maxDoseNumber: 2, minIntervalDays: { 2: 21 } } : p
	)
};

describe('validateEvent: valid events', () => {
	it.each(SAMPLES.map((e) => [e.type, e] as const))('accepts a %s event and returns it unchanged', (_, event) => {
		const r = validateEvent(event);
		expect(r).toEqual({ ok: true, event });
	});

	it.each(SAMPLES.map((e) => [e.type, e] as const))('round-trips a %s event through JSON', (_, event) => {
		const wire = JSON.stringify(event);
		const r = validateEvent(JSON.parse(wire));
		expect(r.ok).toBe(true);
		if (r.ok) expect(JSON.parse(JSON.stringify(r.event))).toEqual(JSON.parse(wire));
	});

	it('returns a fresh object, not the caller’s', () => {
		const event = sampleDose();
		const r = validateEvent(event);
		expect(r.ok && r.event).not.toBe(event);
		expect(r.ok && r.event.type === 'dose' && r.event.vaccine).not.toBe(event.vaccine);
	});

	it('accepts a correction that records an expired-lot incident as it happened', () => {
		const c = sampleCorrection();
		const r = validateEvent({
			...c,
			record: { ...c.record, vaccine: { ...sampleDose().vaccine, expiry: '2025-09-30' } }
		});
		expect(r.ok).toBe(true);
	});

	it('accepts a correction to not-vaccinated', () => {
		const { id: _i, batch: _b, device: _d, operator: _o, recordedAt: _r, ...record } = sampleNotVaccinated();
		expect(validateEvent(sampleCorrection({ record })).ok).toBe(true);
	});

	it('accepts a lot on its expiry day and a dose a little ahead of the recording clock', () => {
		expect(validateEvent(withVaccine({ expiry: '2025-10-01' })).ok).toBe(true);
		expect(
			validateEvent(sampleDose({ givenAt: '2025-10-01T01:35:59.000Z', recordedAt: '2025-10-01T01:31:00.000Z' })).ok
		).toBe(true);
	});

	it('accepts timestamps with a +09:00 offset', () => {
		expect(
			validateEvent(sampleDose({ givenAt: '2025-10-01T10:30:00+09:00', recordedAt: '2025-10-01T10:31:00+09:00' })).ok
		).toBe(true);
	});

	it('accepts "other" with a note and any reason with an optional note', () => {
		expect(validateEvent(sampleNotVaccinated({ reason: 'other', reasonNote: '医師判断により延期' })).ok).toBe(true);
		expect(validateEvent(sampleNotVaccinated({ reason: 'fever', reasonNote: '37.8℃' })).ok).toBe(true);
	});

	it('accepts a site code ending in four digits on a day they would join into a My Number', () => {
		// `C-0001/2026-11-18` read as one chain is 000120261118, which passes the check digit.
		const batch = batchId({ deviceId: SAMPLE_DEVICE, siteCode: 'C-0001', serviceDay: '2026-11-18' });
		const event = sampleDose({
			batch,
			siteCode: 'C-0001',
			givenAt: '2026-11-18T01:30:00.000Z',
			recordedAt: '2026-11-18T01:31:00.000Z',
			vaccine: { ...sampleDose().vaccine, expiry: '2027-03-31' }
		});
		expect(validateEvent(event)).toEqual({ ok: true, event });
	});

	it('keeps the dose-number limit in the vaccine catalog', () => {
		expect(MAX_DOSE_NUMBER).toBe(DEFAULT_VACCINE_CATALOG.maxDoseNumber);
		expect(validateEvent(sampleDose({ doseNumber: MAX_DOSE_NUMBER, ticketDose: null })).ok).toBe(true);
		const sevenDoses: VaccineCatalog = {
			...DEFAULT_VACCINE_CATALOG,
			maxDoseNumber: 7,
			products: DEFAULT_VACCINE_CATALOG.products.map((p) => ({
				...p,
				maxDoseNumber: 7,
				minIntervalDays: { ...p.minIntervalDays, 7: 90 }
			}))
		};
		expect(createEventValidator(sevenDoses)(sampleDose({ doseNumber: 7 })).ok).toBe(true);
		expect(validateEvent(sampleDose({ doseNumber: 7 })).ok).toBe(false);
	});

	it('has a label for every not-vaccinated reason', () => {
		expect(Object.keys(NOT_VACCINATED_REASON_LABELS).sort()).toEqual([...NOT_VACCINATED_REASONS].sort());
	});
});

type Case = [code: EventErrorCode, what: string, input: unknown, path: string, validator?: EventValidator];

const CASES: Case[] = [
	['MY_NUMBER', 'in the operator code', sampleDose({ operator: '123456789018' }), 'operator'],
	['MY_NUMBER', 'as the lot', withVaccine({ lot: '123456789018' }), 'vaccine.lot'],
	['MY_NUMBER', 'written 4-4-4 in a void reason', sampleVoid({ reason: '番号 1234-5678-9018 の記録' }), 'reason'],
	['MY_NUMBER', 'as a number', { ...sampleDose(), doseNumber: 123456789018 }, 'doseNumber'],
	['MY_NUMBER', 'in an unknown key', { ...sampleDose(), '123456789018': 1 }, ''],
	[
		'MY_NUMBER',
		'inside a correction record',
		sampleCorrection({ record: { ...sampleCorrection().record, screeningDoctor: '123456789018' } }),
		'record.screeningDoctor'
	],
	['EVENT_NOT_OBJECT', 'null', null, ''],
	['EVENT_NOT_OBJECT', 'an array', [sampleDose()], ''],
	['EVENT_NOT_OBJECT', 'a string', 'dose', ''],
	['EVENT_TYPE', 'an unknown type', { ...sampleDose(), type: 'vaccinated' }, 'type'],
	['EVENT_TYPE', 'no type', without(sampleDose(), 'type'), 'type'],
	[
		'EVENT_TYPE',
		'an unknown record type in a correction',
		sampleCorrection({ record: { ...sampleCorrection().record, type: 'void' } as never }),
		'record.type'
	],
	['FIELD_REQUIRED', 'no vaccinating doctor', without(sampleDose(), 'vaccinatingDoctor'), 'vaccinatingDoctor'],
	['FIELD_REQUIRED', 'no lot', { ...sampleDose(), vaccine: without(sampleDose().vaccine, 'lot') }, 'vaccine.lot'],
	['FIELD_REQUIRED', 'no reason for not vaccinating', without(sampleNotVaccinated(), 'reason'), 'reason'],
	[
		'FIELD_REQUIRED',
		'no reason note key (null must be written)',
		without(sampleNotVaccinated(), 'reasonNote'),
		'reasonNote'
	],
	['FIELD_REQUIRED', 'no paper tally', without(sampleBatchClose(), 'paperTally'), 'paperTally'],
	['FIELD_REQUIRED', 'no replaced id on a void', without(sampleVoid(), 'replaces'), 'replaces'],
	['FIELD_UNKNOWN', 'a name field', { ...sampleDose(), name: '山田' }, 'name'],
	['FIELD_UNKNOWN', 'a vaccine field', withVaccine({ temperature: 5 }), 'vaccine.temperature'],
	[
		'FIELD_UNKNOWN',
		'a lot on a not-vaccinated record',
		{ ...sampleNotVaccinated(), vaccine: sampleDose().vaccine },
		'vaccine'
	],
	['FIELD_UNKNOWN', 'a not-vaccinated reason on a dose', { ...sampleDose(), reason: 'fever' }, 'reason'],
	['FIELD_UNKNOWN', 'a key that is not a field name (not echoed)', { ...sampleDose(), '氏名 ': 'x' }, '?'],
	['FIELD_TYPE', 'a dose number as text', { ...sampleDose(), doseNumber: '3' }, 'doseNumber'],
	['FIELD_TYPE', 'a flag as text', { ...sampleDose(), certificateIssued: 'yes' }, 'certificateIssued'],
	['FIELD_TYPE', 'a vaccine as text', { ...sampleDose(), vaccine: 'comirnaty' }, 'vaccine'],
	['FIELD_TYPE', 'a correction record as a number', { ...sampleCorrection(), record: 5 }, 'record'],
	['FIELD_TYPE', 'a ticket kind as a number', { ...sampleDose(), ticketKind: 1 }, 'ticketKind'],
	['FIELD_TYPE', 'NaN as volume', withVaccine({ volumeMl: Number.NaN }), 'vaccine.volumeMl'],
	['ID_FORMAT', 'a UUIDv4 id', sampleDose({ id: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' }), 'id'],
	['ID_FORMAT', 'a replaced id that is not a UUID', sampleVoid({ replaces: 'the last one' }), 'replaces'],
	[
		'MY_NUMBER',
		'an id whose last group reads as a My Number in a path',
		sampleDose({ id: '01936f4e-1c2a-7b3d-8e4f-123456789018' }),
		'id'
	],
	['ID_FORMAT', 'an upper-case device id', sampleDose({ device: SAMPLE_DEVICE.toUpperCase() }), 'device'],
	['BATCH_FORMAT', 'a batch id without a day', sampleDose({ batch: `${SAMPLE_DEVICE}/V001` }), 'batch'],
	['BATCH_FORMAT', 'a batch on 30 February', sampleDose({ batch: `${SAMPLE_DEVICE}/V001/2025-02-30` }), 'batch'],
	['CODE_FORMAT', 'an operator code with a space', sampleDose({ operator: 'N 001' }), 'operator'],
	['CODE_FORMAT', 'an empty screening doctor', sampleDose({ screeningDoctor: '' }), 'screeningDoctor'],
	['CODE_FORMAT', 'a product name instead of its code', withVaccine({ product: 'コミナティ' }), 'vaccine.product'],
	['TIMESTAMP_FORMAT', 'a dose time without zone', sampleDose({ givenAt: '2025-10-01T10:30:00' }), 'givenAt'],
	[
		'TIMESTAMP_FORMAT',
		'a recording time on 31 September',
		sampleDose({ recordedAt: '2025-09-31T01:31:00Z' }),
		'recordedAt'
	],
	['TIMESTAMP_FORMAT', 'a year typed as 2205', sampleDose({ givenAt: '2205-10-01T01:30:00Z' }), 'givenAt'],
	['DATE_FORMAT', 'an expiry on 30 February', withVaccine({ expiry: '2026-02-30' }), 'vaccine.expiry'],
	['DATE_FORMAT', 'an expiry with slashes', withVaccine({ expiry: '2026/03/31' }), 'vaccine.expiry'],
	['MUNICIPALITY_FORMAT', 'five digits', sampleDose({ municipality: '13101' }), 'municipality'],
	['MUNICIPALITY_CHECK_DIGIT', 'a wrong check digit', sampleDose({ municipality: '131017' }), 'municipality'],
	['TICKET_NUMBER_FORMAT', 'nine digits', sampleDose({ ticketNumber: '123456789' }), 'ticketNumber'],
	['TICKET_KIND_FORMAT', 'two digits', sampleDose({ ticketKind: '12' }), 'ticketKind'],
	['TICKET_DOSE_FORMAT', 'ten', sampleDose({ ticketDose: 10 }), 'ticketDose'],
	['TICKET_DOSE_FORMAT', 'a fraction', sampleDose({ ticketDose: 1.5 }), 'ticketDose'],
	['DOSE_NUMBER_RANGE', 'zero', sampleDose({ doseNumber: 0 }), 'doseNumber'],
	['DOSE_NUMBER_RANGE', 'a fraction', sampleDose({ doseNumber: 2.5 }), 'doseNumber'],
	['DOSE_NUMBER_RANGE', 'beyond the catalog limit', sampleDose({ doseNumber: 7 }), 'doseNumber'],
	[
		'DOSE_NUMBER_RANGE',
		'beyond the limit on a not-vaccinated record',
		sampleNotVaccinated({ doseNumber: 8 }),
		'doseNumber'
	],
	[
		'DOSE_NUMBER_RANGE',
		'beyond the limit in a correction',
		sampleCorrection({ record: { ...sampleCorrection().record, doseNumber: 9 } }),
		'record.doseNumber'
	],
	['ENUM_VALUE', 'a setting', { ...sampleDose(), setting: 'home' }, 'setting'],
	['ENUM_VALUE', 'an injection site', { ...sampleDose(), injectionSite: 'left-ear' }, 'injectionSite'],
	['ENUM_VALUE', 'a route', { ...sampleDose(), route: 'oral' }, 'route'],
	['ENUM_VALUE', 'a not-vaccinated reason', { ...sampleNotVaccinated(), reason: 'tired' }, 'reason'],
	['LOT_FORMAT', 'a lot with a space', withVaccine({ lot: 'FA 1234' }), 'vaccine.lot'],
	['LOT_FORMAT', 'an empty lot', withVaccine({ lot: '' }), 'vaccine.lot'],
	['LOT_FORMAT', 'a 21-character lot', withVaccine({ lot: 'A'.repeat(21) }), 'vaccine.lot'],
	['VOLUME_RANGE', 'zero', withVaccine({ volumeMl: 0 }), 'vaccine.volumeMl'],
	['VOLUME_RANGE', 'negative', withVaccine({ volumeMl: -0.3 }), 'vaccine.volumeMl'],
	['VOLUME_RANGE', '6 mL', withVaccine({ volumeMl: 6 }), 'vaccine.volumeMl'],
	['VOLUME_RANGE', 'infinite', withVaccine({ volumeMl: Number.POSITIVE_INFINITY }), 'vaccine.volumeMl'],
	['REASON_REQUIRED', 'a blank void reason', sampleVoid({ reason: '   ' }), 'reason'],
	['REASON_REQUIRED', 'an empty correction reason', sampleCorrection({ reason: '' }), 'reason'],
	['NOTE_REQUIRED', '"other" without a note', sampleNotVaccinated({ reason: 'other', reasonNote: null }), 'reasonNote'],
	['NOTE_REQUIRED', 'a blank note', sampleNotVaccinated({ reasonNote: ' 　' }), 'reasonNote'],
	[
		'NOTE_REQUIRED',
		'"other" without a note in a correction',
		sampleCorrection({ record: { ...recordOf(sampleNotVaccinated()), reason: 'other', reasonNote: null } as never }),
		'record.reasonNote'
	],
	['TEXT_TOO_LONG', 'a 501-character reason', sampleVoid({ reason: 'あ'.repeat(501) }), 'reason'],
	['TEXT_TOO_LONG', 'a 201-character note', sampleNotVaccinated({ reasonNote: 'あ'.repeat(201) }), 'reasonNote'],
	['REASON_REQUIRED', 'a reopen without a reason', sampleBatchReopen({ reason: '  ' }), 'reason'],
	[
		'BATCH_DEVICE_MISMATCH',
		'another device reopening the batch',
		sampleBatchReopen({ device: '01936f4e-1c2a-7b3d-8e4f-0a1b2c3d4e60' }),
		'device'
	],
	['PAPER_TALLY_RANGE', 'negative', sampleBatchClose({ paperTally: -1 }), 'paperTally'],
	['PAPER_TALLY_RANGE', 'a fraction', sampleBatchClose({ paperTally: 1.5 }), 'paperTally'],
	['PAPER_TALLY_RANGE', 'absurdly large', sampleBatchClose({ paperTally: 100_001 }), 'paperTally'],
	[
		'PRODUCT_UNKNOWN',
		'a product not in the catalog',
		withVaccine({ product: 'vaxzevria', maker: 'astrazeneca' }),
		'vaccine.product'
	],
	[
		'PRODUCT_UNKNOWN',
		'in a correction',
		sampleCorrection({
			record: { ...sampleCorrection().record, vaccine: { ...sampleDose().vaccine, product: 'x' } } as never
		}),
		'record.vaccine.product'
	],
	['MAKER_MISMATCH', 'Comirnaty by Moderna', withVaccine({ maker: 'moderna' }), 'vaccine.maker'],
	['VOLUME_NOT_ALLOWED', 'Comirnaty at 0.5 mL', withVaccine({ volumeMl: 0.5 }), 'vaccine.volumeMl'],
	['VOLUME_NOT_ALLOWED', 'a computed 0.1 + 0.2 mL', withVaccine({ volumeMl: 0.1 + 0.2 }), 'vaccine.volumeMl'],
	[
		'INJECTION_SITE_NOT_ALLOWED',
		'Nuvaxovid in the thigh',
		{ ...withVaccine({ product: 'nuvaxovid', maker: 'takeda', volumeMl: 0.5 }), injectionSite: 'left-thigh' },
		'injectionSite'
	],
	['ROUTE_NOT_ALLOWED', 'subcutaneous Comirnaty', { ...sampleDose(), route: 'subcutaneous' }, 'route'],
	[
		'DOSE_NUMBER_NOT_ALLOWED',
		'dose 3 of a two-dose product',
		sampleDose({ doseNumber: 3 }),
		'doseNumber',
		createEventValidator(TWO_DOSE_CATALOG)
	],
	['LOT_EXPIRED', 'a lot that expired the day before', withVaccine({ expiry: '2025-09-30' }), 'vaccine.expiry'],
	['BATCH_DEVICE_MISMATCH', 'another device', sampleDose({ device: '01936f4e-1c2a-7b3d-8e4f-0a1b2c3d4e60' }), 'device'],
	[
		'BATCH_DEVICE_MISMATCH',
		'another device closing the batch',
		sampleBatchClose({ device: '01936f4e-1c2a-7b3d-8e4f-0a1b2c3d4e60' }),
		'device'
	],
	['BATCH_SITE_MISMATCH', 'another site', sampleDose({ siteCode: 'V002' }), 'siteCode'],
	['BATCH_SITE_MISMATCH', 'another site, not vaccinated', sampleNotVaccinated({ siteCode: 'V002' }), 'siteCode'],
	[
		'BATCH_DAY_MISMATCH',
		'a dose after midnight in Japan',
		sampleDose({ givenAt: '2025-10-01T15:30:00Z', recordedAt: '2025-10-01T15:31:00Z' }),
		'givenAt'
	],
	[
		'BATCH_DAY_MISMATCH',
		'a screening the day before',
		sampleNotVaccinated({ givenAt: '2025-09-30T02:00:00Z' }),
		'givenAt'
	],
	[
		'GIVEN_AFTER_RECORDED',
		'a dose six minutes after its recording',
		sampleDose({ givenAt: '2025-10-01T01:37:01.000Z' }),
		'givenAt'
	],
	[
		'GIVEN_AFTER_RECORDED',
		'a corrected dose after the correction',
		sampleCorrection({ record: { ...sampleCorrection().record, givenAt: '2025-10-01T07:00:00Z' } }),
		'record.givenAt'
	],
	['REPLACES_SELF', 'a void of itself', sampleVoid({ replaces: sampleVoid().id }), 'replaces'],
	['REPLACES_SELF', 'a correction of itself', sampleCorrection({ replaces: sampleCorrection().id }), 'replaces']
];

describe('validateEvent: errors', () => {
	it.each(CASES)('%s: %s', (code, _, input, path, validator = validateEvent) => {
		const r = validator(input);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toContainEqual({ path, code, message: expect.stringContaining(EVENT_ERROR_MESSAGES[code]) });
	});

	it('has at least one case for every error code', () => {
		expect([...new Set(CASES.map(([code]) => code))].sort()).toEqual([...EVENT_ERROR_CODES].sort());
	});

	it('reports a My Number alone, without its digits or any other error', () => {
		const r = validateEvent({ ...sampleDose({ operator: '123456789018' }), extra: true });
		expect(r).toEqual({ ok: false, errors: [{ path: 'operator', code: 'MY_NUMBER', message: expect.any(String) }] });
		if (!r.ok) expect(r.errors[0]!.message).not.toMatch(/\d/);
	});

	it('labels messages in Japanese with the field, without repeating the field name', () => {
		const r = validateEvent(withVaccine({ lot: 'A B' }));
		expect(!r.ok && r.errors[0]!.message).toBe(EVENT_ERROR_MESSAGES.LOT_FORMAT);
		const r2 = validateEvent(sampleDose({ vaccinatingDoctor: 'x y' }));
		expect(!r2.ok && r2.errors[0]!.message).toBe(`接種医：${EVENT_ERROR_MESSAGES.CODE_FORMAT}`);
	});

	it('reports every bad field of an event, one error per field', () => {
		const r = validateEvent({ ...sampleDose(), operator: 'a b', municipality: '1', ticketNumber: 'x', setting: 'y' });
		expect(!r.ok && r.errors.map((e) => e.path).sort()).toEqual([
			'municipality',
			'operator',
			'setting',
			'ticketNumber'
		]);
	});

	it('reports the rules across fields too when the shape is wrong elsewhere: a bad municipality digit and an expired lot', () => {
		const r = validateEvent({ ...withVaccine({ expiry: '2025-09-30' }), municipality: '131017' });
		expect(!r.ok && r.errors.map((e) => e.code)).toEqual(['MUNICIPALITY_CHECK_DIGIT', 'LOT_EXPIRED']);
		// Not when a field the rules read is itself malformed: they would only guess.
		const r2 = validateEvent({ ...withVaccine({ expiry: '2025-09-30' }), givenAt: 'yesterday' });
		expect(!r2.ok && r2.errors.map((e) => e.code)).toEqual(['TIMESTAMP_FORMAT']);
	});

	it('has distinct Japanese messages for every code, none of which carries digits from input', () => {
		const messages = EVENT_ERROR_CODES.map((c) => EVENT_ERROR_MESSAGES[c]);
		expect(new Set(messages).size).toBe(messages.length);
		for (const m of messages) expect(m).toMatch(/[ぁ-んァ-ヶ一-龠]/);
	});
});

describe('validateEvent: properties', () => {
	const noMyNumber = <T>(arb: fc.Arbitrary<T>) => arb.filter((x) => !containsMyNumber(x));
	const uuid7 = fc.uuid({ version: 7 }).filter((id) => !containsMyNumber(`/${id}/`));
	const code = noMyNumber(fc.stringMatching(/^[0-9A-Za-z_-]{1,20}$/));
	const lot = noMyNumber(fc.stringMatching(/^[0-9A-Z-]{1,20}$/));
	const jstDay = fc
		.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2098-12-31T00:00:00Z'), noInvalidDate: true })
		.map((d) => d.toISOString().slice(0, 10));
	const product = fc.constantFrom(...DEFAULT_VACCINE_CATALOG.products);

	/** A valid dose event, every field drawn independently within its rules. */
	const doseEvent = fc
		.record({
			id: uuid7,
			device: uuid7,
			operator: code,
			// Codes ending in four digits too: the batch id joins them to the day (`C-0001/2026-11-18`).
			siteCode: fc.oneof(code, fc.stringMatching(/^[A-Z]{1,3}-?[0-9]{4}$/)),
			day: jstDay,
			secondOfDay: fc.integer({ min: 0, max: 86_399 }),
			recordDelay: fc.integer({ min: 0, max: 3_600_000 }),
			municipality: municipalityCode,
			ticketNumber: digitString(10),
			ticketKind: fc.option(digitString(1), { nil: null }),
			ticketDose: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
			doseNumber: fc.integer({ min: 1, max: MAX_DOSE_NUMBER }),
			setting: fc.constantFrom('mass' as const, 'clinic' as const),
			otherMunicipality: fc.boolean(),
			screeningDoctor: code,
			vaccinatingDoctor: code,
			certificateIssued: fc.boolean(),
			product,
			pick: fc.nat(),
			lot,
			shelfDays: fc.integer({ min: 0, max: 700 })
		})
		.map((r): DoseEvent => {
			const given = Date.parse(`${r.day}T00:00:00+09:00`) + r.secondOfDay * 1000;
			const expiry = new Date(Date.parse(`${r.day}T00:00:00Z`) + r.shelfDays * 86_400_000).toISOString().slice(0, 10);
			const pick = <T>(xs: readonly T[]) => xs[r.pick % xs.length]!;
			return {
				id: r.id,
				type: 'dose',
				batch: batchId({ deviceId: r.device, siteCode: r.siteCode, serviceDay: r.day }),
				device: r.device,
				operator: r.operator,
				recordedAt: new Date(given + r.recordDelay).toISOString(),
				municipality: r.municipality,
				ticketNumber: r.ticketNumber,
				ticketKind: r.ticketKind,
				ticketDose: r.ticketDose,
				doseNumber: r.doseNumber,
				givenAt: new Date(given).toISOString(),
				setting: r.setting,
				siteCode: r.siteCode,
				otherMunicipality: r.otherMunicipality,
				screeningDoctor: r.screeningDoctor,
				vaccine: {
					product: r.product.code,
					maker: r.product.maker,
					lot: r.lot,
					expiry,
					volumeMl: pick(r.product.volumesMl)
				},
				injectionSite: pick(r.product.sites),
				route: pick(r.product.routes),
				vaccinatingDoctor: r.vaccinatingDoctor,
				certificateIssued: r.certificateIssued
			};
		})
		// Drawn fields that hold a My Number on their own are left out; the batch id made from them
		// is not: the guard must read it as its parts (a filter on the whole event hid that).
		.filter(
			(e) =>
				!containsMyNumber({ ...e, batch: '' }) &&
				!containsMyNumber(`/${e.id}/`) &&
				!containsMyNumber(`/${e.device}/`) &&
				e.type === 'dose' &&
				e.vaccine.expiry <= '2099-12-31'
		);

	it('accepts every generated valid dose and round-trips it through JSON unchanged', () => {
		fc.assert(
			fc.property(doseEvent, (event) => {
				const r = validateEvent(JSON.parse(JSON.stringify(event)));
				expect(r).toEqual({ ok: true, event });
			})
		);
	});

	const STRING_FIELDS = [
		'operator',
		'municipality',
		'ticketNumber',
		'givenAt',
		'siteCode',
		'screeningDoctor',
		'vaccinatingDoctor',
		'route'
	] as const;

	it('refuses a My Number put into any string field, naming the field and never the number', () => {
		fc.assert(
			fc.property(
				doseEvent,
				fc.constantFrom(...STRING_FIELDS),
				validMyNumber,
				fc.constantFrom('', 'x', ' '),
				(event, field, n, pad) => {
					const r = validateEvent({ ...event, [field]: pad + n + pad });
					expect(r).toMatchObject({ ok: false, errors: [{ path: field, code: 'MY_NUMBER' }] });
					if (!r.ok) expect(JSON.stringify(r.errors)).not.toContain(n);
				}
			)
		);
	});

	it('never echoes a received value in messages or paths', () => {
		const marker = fc.stringMatching(/^[a-z]{6,12} [a-z]{6,12}$/);
		fc.assert(
			fc.property(
				doseEvent,
				fc.constantFrom(...STRING_FIELDS, 'lot', 'expiry', 'product'),
				marker,
				(event, field, bad) => {
					const input =
						event.type === 'dose' && (field === 'lot' || field === 'expiry' || field === 'product')
							? { ...event, vaccine: { ...event.vaccine, [field]: bad } }
							: { ...event, [field]: bad };
					const r = validateEvent(input);
					expect(r.ok).toBe(false);
					if (!r.ok) {
						for (const e of r.errors) {
							expect(e.message).not.toContain(bad);
							expect(e.path).not.toContain(bad);
							expect(EVENT_ERROR_CODES).toContain(e.code);
						}
					}
				}
			)
		);
	});

	it('never throws on arbitrary JSON and only reports known codes', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.json(),
					doseEvent.map((e) => JSON.stringify({ ...e, extra: 1 }))
				),
				(json) => {
					const r = validateEvent(JSON.parse(json));
					if (!r.ok) for (const e of r.errors) expect(EVENT_ERROR_CODES).toContain(e.code);
				}
			)
		);
	});
});

describe('recordOf', () => {
	it('gives the record of a dose, a not-vaccinated and a correction event, and null otherwise', () => {
		const dose = sampleDose();
		const record = recordOf(dose);
		expect(record).toMatchObject({ type: 'dose', ticketNumber: dose.ticketNumber, vaccine: dose.vaccine });
		expect(record).not.toHaveProperty('id');
		expect(record).not.toHaveProperty('batch');
		expect(recordOf(sampleNotVaccinated())).toMatchObject({ type: 'not-vaccinated', reason: 'fever' });
		expect(recordOf(sampleCorrection())).toEqual(sampleCorrection().record);
		expect(recordOf(sampleVoid())).toBeNull();
		expect(recordOf(sampleBatchClose())).toBeNull();
	});

	it('a dose record is exactly what a correction carries', () => {
		const record = recordOf(sampleDose())!;
		expect(validateEvent(sampleCorrection({ record })).ok).toBe(true);
	});
});
