import * as v from 'valibot';
import { isValidMunicipalityCode } from './municipality';
import { containsMyNumber } from './my-number';
import { parseBatchId } from './batch';

/**
 * The events a device appends to its batch document. A dose is an immutable event; corrections
 * and voids are new events naming the one they replace. The TypeScript types are derived from
 * the schema so the wire format and the code cannot drift apart.
 */
export const MAX_DOSE_NUMBER = 6;

const uuidV7 = v.pipe(v.string(), v.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'UUIDv7 ではありません'));
const timestamp = v.pipe(v.string(), v.isoTimestamp('日時の形式が正しくありません'));
const municipality = v.pipe(
	v.string(),
	v.regex(/^\d{6}$/, '市町村コードは6桁です'),
	v.check(isValidMunicipalityCode, '市町村コードの検査数字が一致しません')
);
const code = v.pipe(v.string(), v.regex(/^[0-9A-Za-z_-]{1,20}$/, 'コードの形式が正しくありません'));
const batch = v.pipe(v.string(), v.check((s) => parseBatchId(s) !== null, 'バッチIDの形式が正しくありません'));
const reason = v.pipe(v.string(), v.trim(), v.minLength(1, '理由を入力してください'), v.maxLength(500));

const common = {
	id: uuidV7,
	batch,
	device: uuidV7,
	operator: code,
	recordedAt: timestamp
};

const doseFields = {
	municipality,
	ticketNumber: v.pipe(v.string(), v.regex(/^\d{10}$/, '券番号は10桁です')),
	ticketKind: v.nullable(v.pipe(v.string(), v.regex(/^\d$/))),
	doseNumber: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DOSE_NUMBER)),
	givenAt: timestamp,
	setting: v.picklist(['mass', 'clinic']),
	siteCode: code
};

export const DoseEventSchema = v.strictObject({ ...common, type: v.literal('dose'), ...doseFields });
export const NotVaccinatedEventSchema = v.strictObject({
	...common,
	type: v.literal('not-vaccinated'),
	...doseFields,
	reason
});
export const CorrectionEventSchema = v.strictObject({
	...common,
	type: v.literal('correction'),
	replaces: uuidV7,
	reason,
	...doseFields
});
export const VoidEventSchema = v.strictObject({ ...common, type: v.literal('void'), replaces: uuidV7, reason });
export const BatchCloseEventSchema = v.strictObject({
	...common,
	type: v.literal('batch-close'),
	paperTally: v.pipe(v.number(), v.integer(), v.minValue(0))
});

export const EventSchema = v.variant('type', [
	DoseEventSchema,
	NotVaccinatedEventSchema,
	CorrectionEventSchema,
	VoidEventSchema,
	BatchCloseEventSchema
]);

export type DoseEvent = v.InferOutput<typeof EventSchema>;
export type DoseRecordEvent = v.InferOutput<typeof DoseEventSchema>;

export interface EventError {
	path: string;
	code: string;
	message: string;
}

export type ValidateEventResult = { ok: true; event: DoseEvent } | { ok: false; errors: EventError[] };

export function validateEvent(input: unknown): ValidateEventResult {
	if (containsMyNumber(input)) {
		return { ok: false, errors: [{ path: '', code: 'MY_NUMBER', message: '個人番号と思われる値が含まれています' }] };
	}
	const result = v.safeParse(EventSchema, input);
	if (result.success) return { ok: true, event: result.output };
	return {
		ok: false,
		errors: result.issues.map((issue) => ({
			path: v.getDotPath(issue) ?? '',
			code: `SCHEMA_${issue.type.toUpperCase()}`,
			message: issue.message
		}))
	};
}
