import * as v from 'valibot';
import { parseBatchId } from './batch';
import { CODE_PATTERN, UUID_V7_PATTERN } from './codes';
import { isIsoDate, isIsoTimestamp, parseIsoTimestamp, serviceDateOf } from './dates';
import { LOT_PATTERN } from './gs1';
import { isValidMunicipalityCode } from './municipality';
import { locateMyNumber, stringContainsMyNumber } from './my-number';
import { isLotUsableOn } from './rules';
import {
	DEFAULT_VACCINE_CATALOG,
	DOSE_NUMBER_LIMIT,
	findProduct,
	INJECTION_SITES,
	ROUTES,
	type VaccineCatalog
} from './vaccines';

/*
 * The events a device appends to its batch document. A dose is an immutable event; corrections
 * and voids are new events naming the one they replace. Types are derived from the schema so the
 * wire format and the code cannot drift apart. Every object is strict (unknown fields are errors)
 * and every key is required; `null` is written out where a value does not apply.
 *
 * Common to every event:
 *   id          string   UUIDv7, made on the device
 *   type        'dose' | 'not-vaccinated' | 'correction' | 'void' | 'batch-close' | 'batch-reopen'
 *   batch       string   batch id `deviceId/siteCode/YYYY-MM-DD` (device × site × service day)
 *   device      string   UUIDv7 of the writing device; must be the batch's device
 *   operator    string   staff code [0-9A-Za-z_-]{1,20}
 *   recordedAt  string   ISO 8601 timestamp with seconds and offset, when it was recorded
 *
 * Record fields (dose, not-vaccinated, and correction.record):
 *   municipality       string         6-digit 市町村コード with a valid check digit (the ticket's)
 *   ticketNumber       string         10-digit 券番号
 *   ticketKind         string | null  券種 digit from the ticket (null when read from NW-7)
 *   ticketDose         number | null  回数 digit 0–9 printed on the ticket (null when read from NW-7)
 *   doseNumber         number         dose given, 1..catalog.maxDoseNumber (6)
 *   givenAt            string         ISO timestamp of the dose (for not-vaccinated: the screening)
 *   setting            'mass' | 'clinic'   集団接種 or 個別接種
 *   siteCode           string         接種会場コード or 医療機関コード
 *   otherMunicipality  boolean        他自治体 (ticket of another municipality)
 *   screeningDoctor    string         予診医 code
 *
 * type 'dose' (接種済) adds:
 *   vaccine: {
 *     product   string   product code from the vaccine catalog (shared/domain/vaccines.ts)
 *     maker     string   maker code; must be the product's maker
 *     lot       string   lot number, 1–20 GS1 CSET 82 characters
 *     expiry    string   YYYY-MM-DD; on or after the dose's service date (JST)
 *     volumeMl  number   dose volume in mL; one of the product's volumes
 *   }
 *   injectionSite      InjectionSite  部位 ('left-deltoid' | 'right-deltoid' | 'left-thigh' | 'right-thigh'), allowed for the product
 *   route              Route          方法 ('intramuscular' | 'subcutaneous'), allowed for the product
 *   vaccinatingDoctor  string         接種医 code
 *   certificateIssued  boolean        接種済証 issued
 *
 * type 'not-vaccinated' (接種不適当: screened, not vaccinated) adds:
 *   reason      NotVaccinatedReason  'fever' | 'acute-illness' | 'hypersensitivity' | 'declined' | 'other'
 *   reasonNote  string | null        1–200 characters; required when reason is 'other'
 *
 * type 'correction': common + replaces (UUIDv7 of the event replaced), reason (text 1–500),
 *   record: the whole corrected record, `{ type: 'dose', ...record fields, ...dose fields }` or
 *   `{ type: 'not-vaccinated', ...record fields, ...not-vaccinated fields }`.
 * type 'void': common + replaces + reason (text 1–500).
 * type 'batch-close': common + paperTally (integer 0–100000, the venue's count of paper 予診票).
 * type 'batch-reopen': common + reason (text 1–500): a day closed by mistake is opened again on
 *   the station and recording goes on; the latest close or reopen (by recordedAt) is in force, so
 *   the tally that counts is the last close's.
 *
 * Beyond the shape, validateEvent checks: no My Number anywhere (keys too); the device and, for
 * dose and not-vaccinated, the site and the service day (JST date of givenAt) match the batch;
 * givenAt is not after recordedAt (5 minutes' clock tolerance); the vaccine agrees with the
 * catalog (product known, maker, volume, site, route, dose number); for a dose, the lot has not
 * expired on the dose's service date (a correction may record such an incident truthfully);
 * reason 'other' has a note; a correction or void does not replace itself.
 */

/** Why a screened person was not vaccinated (接種不適当 and related outcomes). */
export const NOT_VACCINATED_REASONS = ['fever', 'acute-illness', 'hypersensitivity', 'declined', 'other'] as const;
export type NotVaccinatedReason = (typeof NOT_VACCINATED_REASONS)[number];
export const NOT_VACCINATED_REASON_LABELS: Readonly<Record<NotVaccinatedReason, string>> = {
	fever: '明らかな発熱',
	'acute-illness': '重篤な急性疾患',
	hypersensitivity: '本剤の成分に対する重度の過敏症の既往',
	declined: '本人の希望により接種せず',
	other: 'その他（医師が不適当と判断）'
};

export const SETTINGS = ['mass', 'clinic'] as const;

/** Kept for existing callers: the dose-number limit of the default vaccine catalog. */
export const MAX_DOSE_NUMBER = DOSE_NUMBER_LIMIT;

/** How far givenAt may run ahead of recordedAt (both come from the same device clock). */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

export const EVENT_ERROR_MESSAGES = {
	MY_NUMBER: '個人番号（マイナンバー）と思われる数字が含まれています。記録できません。',
	EVENT_NOT_OBJECT: 'イベントの形式が正しくありません。',
	EVENT_TYPE: '種別が正しくありません。',
	FIELD_REQUIRED: '必須項目がありません。',
	FIELD_UNKNOWN: '定義されていない項目があります。',
	FIELD_TYPE: '値の型が正しくありません。',
	ID_FORMAT: 'IDの形式が正しくありません（UUIDv7）。',
	BATCH_FORMAT: 'バッチIDの形式が正しくありません。',
	CODE_FORMAT: 'コードの形式が正しくありません（英数字と _ - の20文字以内）。',
	TIMESTAMP_FORMAT: '日時が正しくありません（秒とタイムゾーン付きのISO 8601形式）。',
	DATE_FORMAT: '日付が正しくありません（YYYY-MM-DD）。',
	MUNICIPALITY_FORMAT: '市町村コードは6桁の数字です。',
	MUNICIPALITY_CHECK_DIGIT: '市町村コードが正しくありません（検査数字の不一致）。',
	TICKET_NUMBER_FORMAT: '券番号は10桁の数字です。',
	TICKET_KIND_FORMAT: '券種は1桁の数字です。',
	TICKET_DOSE_FORMAT: '接種券の回数は0〜9の数字です。',
	DOSE_NUMBER_RANGE: '接種回数が範囲外です。',
	ENUM_VALUE: '選択肢にない値です。',
	LOT_FORMAT: 'ロット番号の形式が正しくありません（英数字記号20文字以内）。',
	VOLUME_RANGE: '接種量（mL）が正しくありません。',
	REASON_REQUIRED: '理由を入力してください。',
	NOTE_REQUIRED: '理由の補足を入力してください（「その他」の場合は必須）。',
	TEXT_TOO_LONG: '文字数が上限を超えています。',
	PAPER_TALLY_RANGE: '予診票の枚数は0以上の整数です。',
	PRODUCT_UNKNOWN: '登録されていないワクチン製品です。',
	MAKER_MISMATCH: '製造販売業者が製品と一致しません。',
	VOLUME_NOT_ALLOWED: 'この製品で認められていない接種量です。',
	INJECTION_SITE_NOT_ALLOWED: 'この製品で認められていない接種部位です。',
	ROUTE_NOT_ALLOWED: 'この製品で認められていない接種方法です。',
	DOSE_NUMBER_NOT_ALLOWED: 'この製品では接種できない回数です。',
	LOT_EXPIRED: '接種日にはロットの有効期限が切れています。',
	BATCH_DEVICE_MISMATCH: '端末がバッチの端末と一致しません。',
	BATCH_SITE_MISMATCH: '会場・医療機関コードがバッチと一致しません。',
	BATCH_DAY_MISMATCH: '接種日がバッチの実施日と一致しません。',
	GIVEN_AFTER_RECORDED: '接種日時が記録日時より後になっています。',
	REPLACES_SELF: 'イベント自身を対象にすることはできません。'
} as const;

export type EventErrorCode = keyof typeof EVENT_ERROR_MESSAGES;
export const EVENT_ERROR_CODES = Object.keys(EVENT_ERROR_MESSAGES) as readonly EventErrorCode[];

/** Japanese field labels, prefixed to messages so the person knows which field is wrong. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
	id: 'イベントID',
	type: '種別',
	batch: 'バッチ',
	device: '端末',
	operator: '操作者',
	recordedAt: '記録日時',
	municipality: '市町村コード',
	ticketNumber: '券番号',
	ticketKind: '券種',
	ticketDose: '接種券の回数',
	doseNumber: '接種回数',
	givenAt: '接種日時',
	setting: '接種区分',
	siteCode: '会場・医療機関コード',
	otherMunicipality: '他自治体',
	screeningDoctor: '予診医',
	vaccine: 'ワクチン',
	product: 'ワクチン製品',
	maker: '製造販売業者',
	lot: 'ロット番号',
	expiry: '有効期限',
	volumeMl: '接種量',
	injectionSite: '接種部位',
	route: '接種方法',
	vaccinatingDoctor: '接種医',
	certificateIssued: '接種済証発行',
	reason: '理由',
	reasonNote: '理由の補足',
	replaces: '対象イベント',
	record: '訂正後の記録',
	paperTally: '予診票の枚数'
};

/*
 * Schema messages are error codes; validateEvent turns them into Japanese text. valibot's own
 * messages quote the received value, so every schema and action below names its code.
 */
const strictMessage = (issue: v.StrictObjectIssue): EventErrorCode =>
	issue.expected === 'never' ? 'FIELD_UNKNOWN' : issue.expected === 'Object' ? 'FIELD_TYPE' : 'FIELD_REQUIRED';
function strict<const E extends v.ObjectEntries>(entries: E) {
	return v.strictObject(entries, strictMessage);
}

const string = () => v.string('FIELD_TYPE' satisfies EventErrorCode);

// A whole value that is one UUID is an identifier to the My Number guard, but ids also travel
// inside paths, log lines and audit targets, where the guard reads their digits: an id whose
// last group reads as a My Number there is refused here (shared/ids.ts never makes one).
const uuidV7 = v.pipe(
	string(),
	v.regex(UUID_V7_PATTERN, 'ID_FORMAT' satisfies EventErrorCode),
	v.check((id) => !stringContainsMyNumber(`/${id}/`), 'MY_NUMBER' satisfies EventErrorCode)
);
const timestamp = v.pipe(string(), v.check(isIsoTimestamp, 'TIMESTAMP_FORMAT' satisfies EventErrorCode));
const isoDate = v.pipe(string(), v.check(isIsoDate, 'DATE_FORMAT' satisfies EventErrorCode));
const code = v.pipe(string(), v.regex(CODE_PATTERN, 'CODE_FORMAT' satisfies EventErrorCode));
const bool = v.boolean('FIELD_TYPE' satisfies EventErrorCode);
const batch = v.pipe(
	string(),
	v.check((s) => parseBatchId(s) !== null, 'BATCH_FORMAT' satisfies EventErrorCode)
);
const municipality = v.pipe(
	string(),
	v.regex(/^\d{6}$/, 'MUNICIPALITY_FORMAT' satisfies EventErrorCode),
	v.check(isValidMunicipalityCode, 'MUNICIPALITY_CHECK_DIGIT' satisfies EventErrorCode)
);
const enumOf = <const T extends readonly string[]>(options: T) =>
	v.picklist(options, 'ENUM_VALUE' satisfies EventErrorCode);
const reasonText = v.pipe(
	string(),
	v.regex(/\S/, 'REASON_REQUIRED' satisfies EventErrorCode),
	v.maxLength(500, 'TEXT_TOO_LONG' satisfies EventErrorCode)
);
const digitNumber = (min: number, max: number, message: EventErrorCode) =>
	v.pipe(
		v.number('FIELD_TYPE' satisfies EventErrorCode),
		v.integer(message),
		v.minValue(min, message),
		v.maxValue(max, message)
	);

/** Fields every event starts with, in wire order (id and type first, for readable JSON). */
function base<const T extends string>(type: T) {
	return { id: uuidV7, type: v.literal(type), batch, device: uuidV7, operator: code, recordedAt: timestamp };
}

const recordFields = {
	municipality,
	ticketNumber: v.pipe(string(), v.regex(/^\d{10}$/, 'TICKET_NUMBER_FORMAT' satisfies EventErrorCode)),
	ticketKind: v.nullable(v.pipe(string(), v.regex(/^\d$/, 'TICKET_KIND_FORMAT' satisfies EventErrorCode))),
	ticketDose: v.nullable(digitNumber(0, 9, 'TICKET_DOSE_FORMAT')),
	// The schema bounds the dose number by the one-digit 回数; the catalog's limit is a rule.
	doseNumber: digitNumber(1, 9, 'DOSE_NUMBER_RANGE'),
	givenAt: timestamp,
	setting: enumOf(SETTINGS),
	siteCode: code,
	otherMunicipality: bool,
	screeningDoctor: code
};

export const VaccineUseSchema = strict({
	product: code,
	maker: code,
	lot: v.pipe(string(), v.regex(LOT_PATTERN, 'LOT_FORMAT' satisfies EventErrorCode)),
	expiry: isoDate,
	volumeMl: v.pipe(
		v.number('FIELD_TYPE' satisfies EventErrorCode),
		v.finite('VOLUME_RANGE' satisfies EventErrorCode),
		v.gtValue(0, 'VOLUME_RANGE' satisfies EventErrorCode),
		v.maxValue(5, 'VOLUME_RANGE' satisfies EventErrorCode)
	)
});

const vaccinatedFields = {
	vaccine: VaccineUseSchema,
	injectionSite: enumOf(INJECTION_SITES),
	route: enumOf(ROUTES),
	vaccinatingDoctor: code,
	certificateIssued: bool
};

const notVaccinatedFields = {
	reason: enumOf(NOT_VACCINATED_REASONS),
	reasonNote: v.nullable(
		v.pipe(
			string(),
			v.regex(/\S/, 'NOTE_REQUIRED' satisfies EventErrorCode),
			v.maxLength(200, 'TEXT_TOO_LONG' satisfies EventErrorCode)
		)
	)
};

const variantMessage =
	(notObject: EventErrorCode) =>
	(issue: v.VariantIssue): EventErrorCode =>
		issue.expected === 'Object' ? notObject : 'EVENT_TYPE';

export const DoseEventSchema = strict({ ...base('dose'), ...recordFields, ...vaccinatedFields });
export const NotVaccinatedEventSchema = strict({ ...base('not-vaccinated'), ...recordFields, ...notVaccinatedFields });

/** The full record a correction puts in place of the one it replaces. */
export const CorrectedRecordSchema = v.variant(
	'type',
	[
		strict({ type: v.literal('dose'), ...recordFields, ...vaccinatedFields }),
		strict({ type: v.literal('not-vaccinated'), ...recordFields, ...notVaccinatedFields })
	],
	variantMessage('FIELD_TYPE')
);

export const CorrectionEventSchema = strict({
	...base('correction'),
	replaces: uuidV7,
	reason: reasonText,
	record: CorrectedRecordSchema
});
export const VoidEventSchema = strict({ ...base('void'), replaces: uuidV7, reason: reasonText });
export const BatchCloseEventSchema = strict({
	...base('batch-close'),
	paperTally: v.pipe(
		v.number('FIELD_TYPE' satisfies EventErrorCode),
		v.integer('PAPER_TALLY_RANGE' satisfies EventErrorCode),
		v.minValue(0, 'PAPER_TALLY_RANGE' satisfies EventErrorCode),
		v.maxValue(100_000, 'PAPER_TALLY_RANGE' satisfies EventErrorCode)
	)
});

export const BatchReopenEventSchema = strict({ ...base('batch-reopen'), reason: reasonText });

export const EventSchema = v.variant(
	'type',
	[
		DoseEventSchema,
		NotVaccinatedEventSchema,
		CorrectionEventSchema,
		VoidEventSchema,
		BatchCloseEventSchema,
		BatchReopenEventSchema
	],
	variantMessage('EVENT_NOT_OBJECT')
);

/** Any event of a batch (the name is historical: not every event is a dose). */
export type DoseEvent = v.InferOutput<typeof EventSchema>;
/** A vaccinated dose (type 'dose'). */
export type DoseRecordEvent = v.InferOutput<typeof DoseEventSchema>;
export type NotVaccinatedEvent = v.InferOutput<typeof NotVaccinatedEventSchema>;
export type CorrectionEvent = v.InferOutput<typeof CorrectionEventSchema>;
export type VoidEvent = v.InferOutput<typeof VoidEventSchema>;
export type BatchCloseEvent = v.InferOutput<typeof BatchCloseEventSchema>;
export type BatchReopenEvent = v.InferOutput<typeof BatchReopenEventSchema>;
export type CorrectedRecord = v.InferOutput<typeof CorrectedRecordSchema>;
export type VaccineUse = v.InferOutput<typeof VaccineUseSchema>;
export type EventType = DoseEvent['type'];

export interface EventError {
	path: string;
	code: EventErrorCode;
	message: string;
}

export type ValidateEventResult = { ok: true; event: DoseEvent } | { ok: false; errors: EventError[] };

function errorAt(path: string, code: EventErrorCode): EventError {
	const last = path.split('.').pop() ?? '';
	const label = FIELD_LABELS[last];
	const text = EVENT_ERROR_MESSAGES[code];
	return { path, code, message: label && !text.startsWith(label) ? `${label}：${text}` : text };
}

/** Key names are echoed in paths only when they look like field names, never arbitrary input. */
const SAFE_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

function pathOf(issue: v.BaseIssue<unknown>): string {
	return (issue.path ?? [])
		.map((item) => {
			const key: unknown = item.key;
			if (typeof key === 'number') return String(key);
			return typeof key === 'string' && SAFE_KEY.test(key) ? key : '?';
		})
		.join('.');
}

function isEventErrorCode(value: string): value is EventErrorCode {
	return Object.hasOwn(EVENT_ERROR_MESSAGES, value);
}

/** The record carried by a dose, not-vaccinated or correction event; null for void and batch-close. */
export function recordOf(event: DoseEvent): CorrectedRecord | null {
	switch (event.type) {
		case 'dose': {
			const { id: _i, batch: _b, device: _d, operator: _o, recordedAt: _r, ...record } = event;
			return record;
		}
		case 'not-vaccinated': {
			const { id: _i, batch: _b, device: _d, operator: _o, recordedAt: _r, ...record } = event;
			return record;
		}
		case 'correction':
			return event.record;
		default:
			return null;
	}
}

/** Rules across fields and against the vaccine catalog, for an event whose shape is valid. */
function ruleErrors(event: DoseEvent, catalog: VaccineCatalog): EventError[] {
	const errors: EventError[] = [];
	const key = parseBatchId(event.batch)!;
	if (event.device !== key.deviceId) errors.push(errorAt('device', 'BATCH_DEVICE_MISMATCH'));
	if ((event.type === 'correction' || event.type === 'void') && event.replaces === event.id) {
		errors.push(errorAt('replaces', 'REPLACES_SELF'));
	}
	const record = recordOf(event);
	if (!record) return errors;
	const at = (field: string) => (event.type === 'correction' ? `record.${field}` : field);
	const serviceDate = serviceDateOf(record.givenAt)!;

	if (event.type === 'dose' || event.type === 'not-vaccinated') {
		if (record.siteCode !== key.siteCode) errors.push(errorAt('siteCode', 'BATCH_SITE_MISMATCH'));
		if (serviceDate !== key.serviceDay) errors.push(errorAt('givenAt', 'BATCH_DAY_MISMATCH'));
	}
	if (parseIsoTimestamp(record.givenAt)! > parseIsoTimestamp(event.recordedAt)! + CLOCK_TOLERANCE_MS) {
		errors.push(errorAt(at('givenAt'), 'GIVEN_AFTER_RECORDED'));
	}
	if (record.doseNumber > catalog.maxDoseNumber) errors.push(errorAt(at('doseNumber'), 'DOSE_NUMBER_RANGE'));

	if (record.type === 'not-vaccinated') {
		if (record.reason === 'other' && record.reasonNote === null)
			errors.push(errorAt(at('reasonNote'), 'NOTE_REQUIRED'));
		return errors;
	}
	const product = findProduct(catalog, record.vaccine.product);
	if (!product) {
		errors.push(errorAt(at('vaccine.product'), 'PRODUCT_UNKNOWN'));
	} else {
		if (record.vaccine.maker !== product.maker) errors.push(errorAt(at('vaccine.maker'), 'MAKER_MISMATCH'));
		if (!product.volumesMl.includes(record.vaccine.volumeMl))
			errors.push(errorAt(at('vaccine.volumeMl'), 'VOLUME_NOT_ALLOWED'));
		if (!product.sites.includes(record.injectionSite))
			errors.push(errorAt(at('injectionSite'), 'INJECTION_SITE_NOT_ALLOWED'));
		if (!product.routes.includes(record.route)) errors.push(errorAt(at('route'), 'ROUTE_NOT_ALLOWED'));
		if (record.doseNumber <= catalog.maxDoseNumber && record.doseNumber > product.maxDoseNumber) {
			errors.push(errorAt(at('doseNumber'), 'DOSE_NUMBER_NOT_ALLOWED'));
		}
	}
	// A correction may record an expired-lot incident as it happened; a new dose may not.
	if (event.type === 'dose' && !isLotUsableOn(record.vaccine.expiry, record.givenAt))
		errors.push(errorAt('vaccine.expiry', 'LOT_EXPIRED'));
	return errors;
}

/** Fields every rule reads: when one of them is malformed, the rules would only guess. */
const RULE_INPUTS = new Set([
	'',
	'id',
	'type',
	'batch',
	'device',
	'recordedAt',
	'givenAt',
	'record',
	'record.type',
	'record.givenAt',
	'vaccine',
	'record.vaccine'
]);

/**
 * The rules' problems of an event whose shape is wrong elsewhere: a person fixing a refused
 * record must see everything wrong with it at once (a bad municipality digit and an expired
 * lot, not the digit alone). Only when every field the rules read is sound, and only problems
 * at fields the shape check did not already name.
 */
function rulesDespiteShape(input: unknown, shapeErrors: readonly EventError[], catalog: VaccineCatalog): EventError[] {
	if (shapeErrors.some((e) => RULE_INPUTS.has(e.path))) return [];
	const named = new Set(shapeErrors.map((e) => e.path));
	try {
		return ruleErrors(input as DoseEvent, catalog).filter((e) => !named.has(e.path));
	} catch {
		return [];
	}
}

export type EventValidator = (input: unknown) => ValidateEventResult;

/** A validator bound to a vaccine catalog (a deployment's own, checked by parseVaccineCatalog). */
export function createEventValidator(catalog: VaccineCatalog): EventValidator {
	return (input: unknown): ValidateEventResult => {
		const myNumberAt = locateMyNumber(input);
		if (myNumberAt !== null) {
			const path = myNumberAt.split('.').every((k) => SAFE_KEY.test(k) || /^\d+$/.test(k)) ? myNumberAt : '';
			return { ok: false, errors: [errorAt(path, 'MY_NUMBER')] };
		}
		if (input === null || typeof input !== 'object' || Array.isArray(input)) {
			return { ok: false, errors: [errorAt('', 'EVENT_NOT_OBJECT')] };
		}
		const result = v.safeParse(EventSchema, input, { abortPipeEarly: true, message: () => 'FIELD_TYPE' });
		if (!result.success) {
			const errors = result.issues.map((issue) =>
				errorAt(pathOf(issue), isEventErrorCode(issue.message) ? issue.message : 'FIELD_TYPE')
			);
			return { ok: false, errors: [...errors, ...rulesDespiteShape(input, errors, catalog)] };
		}
		const errors = ruleErrors(result.output, catalog);
		return errors.length > 0 ? { ok: false, errors } : { ok: true, event: result.output };
	};
}

/** Validates one event against the schema and the default vaccine catalog. */
export const validateEvent: EventValidator = createEventValidator(DEFAULT_VACCINE_CATALOG);
