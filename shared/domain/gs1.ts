import { daysInMonth, formatIsoDate } from './dates';
import { toHalfWidth } from './digits';
import { containsMyNumber, MY_NUMBER_MESSAGE } from './my-number';

/**
 * GS1 element strings from vaccine packaging: GS1 DataBar (with its composite component) on
 * Japanese vials, GS1-128 on outer boxes, GS1 DataMatrix abroad, GS1 QR. Three forms arrive:
 *  - human-readable: `(01)09520123456788(17)270331(10)AB123`
 *  - raw element string from a scanner: `01095201234567881727033110AB123`, where a GS (0x1D,
 *    FNC1) ends every variable-length field that is not last,
 *  - either of them behind an AIM symbology identifier: `]C1` GS1-128, `]e0` GS1 DataBar and
 *    composite, `]d2` GS1 DataMatrix, `]Q3` GS1 QR Code, `]J1` GS1 DotCode.
 * AIs we do not use are skipped by their defined lengths (GS1 General Specifications: the first
 * two digits of an AI fix how many digits the AI has; the "predefined length" table fixes the
 * data length of AIs that need no separator). Sources: GS1 General Specifications §3 and §7.8,
 * GS1 Barcode Syntax Dictionary.
 */

export type Gs1ErrorCode =
	| 'GS1_FORMAT'
	| 'GS1_SYMBOLOGY'
	| 'GS1_UNKNOWN_AI'
	| 'GS1_TRUNCATED'
	| 'GS1_DUPLICATE_AI'
	| 'GS1_GTIN_MISSING'
	| 'GS1_GTIN_FORMAT'
	| 'GS1_GTIN_CHECK_DIGIT'
	| 'GS1_EXPIRY_INVALID'
	| 'GS1_LOT_INVALID'
	| 'MY_NUMBER';

export const GS1_ERROR_MESSAGES: Readonly<Record<Gs1ErrorCode, string>> = {
	GS1_FORMAT: 'GS1バーコードの形式が正しくありません。もう一度読み取ってください。',
	GS1_SYMBOLOGY: 'GS1形式ではないバーコードです。包装のGS1バーコードを読み取ってください。',
	GS1_UNKNOWN_AI: 'GS1バーコードに未定義のアプリケーション識別子が含まれています。',
	GS1_TRUNCATED: 'GS1バーコードのデータが途中で切れています。もう一度読み取ってください。',
	GS1_DUPLICATE_AI: 'GS1バーコードに同じ項目が異なる値で含まれています。',
	GS1_GTIN_MISSING: '商品コード（GTIN）が含まれていません。包装のGS1バーコードを読み取ってください。',
	GS1_GTIN_FORMAT: '商品コード（GTIN）は14桁の数字です。',
	GS1_GTIN_CHECK_DIGIT: '商品コード（GTIN）のチェックデジットが一致しません。読み取り誤りの可能性があります。',
	GS1_EXPIRY_INVALID: '有効期限の日付が正しくありません。',
	GS1_LOT_INVALID: 'ロット番号の形式が正しくありません（英数字記号20文字以内）。',
	MY_NUMBER: MY_NUMBER_MESSAGE
};

export const GS1_ERROR_CODES = Object.keys(GS1_ERROR_MESSAGES) as readonly Gs1ErrorCode[];

export type ParseGs1Result =
	| { ok: true; gtin: string; expiry: string | null; lot: string | null }
	| { ok: false; error: { code: Gs1ErrorCode; message: string } };

/** Group separator, the transmitted form of FNC1 between fields. */
export const GS = '\u001d';

/** Symbology identifiers of carriers that hold GS1 element strings. */
export const GS1_SYMBOLOGY_IDENTIFIERS = [']C1', ']e0', ']d2', ']Q3', ']J1'] as const;

/** Number of digits in an AI, by its first two digits. */
const AI_DIGITS_BY_PREFIX: Readonly<Record<string, 2 | 3 | 4>> = (() => {
	const table: Record<string, 2 | 3 | 4> = {};
	const two = [
		'00',
		'01',
		'02',
		'03',
		'04',
		'10',
		'11',
		'12',
		'13',
		'14',
		'15',
		'16',
		'17',
		'18',
		'19',
		'20',
		'21',
		'22',
		'30',
		'37',
		'90',
		'91',
		'92',
		'93',
		'94',
		'95',
		'96',
		'97',
		'98',
		'99'
	];
	const three = ['23', '24', '25', '40', '41', '42', '71'];
	const four = ['31', '32', '33', '34', '35', '36', '39', '43', '70', '72', '80', '81', '82'];
	for (const p of two) table[p] = 2;
	for (const p of three) table[p] = 3;
	for (const p of four) table[p] = 4;
	return table;
})();

/**
 * Predefined-length AIs (no FNC1 separator needed): total length of AI plus data, by the AI's
 * first two digits. GS1 General Specifications, figure "Element strings with predefined length
 * using GS1 Application Identifiers".
 */
const PREDEFINED_LENGTH: Readonly<Record<string, number>> = {
	'00': 20,
	'01': 16,
	'02': 16,
	'03': 16,
	'04': 18,
	'11': 8,
	'12': 8,
	'13': 8,
	'14': 8,
	'15': 8,
	'16': 8,
	'17': 8,
	'18': 8,
	'19': 8,
	'20': 4,
	'31': 10,
	'32': 10,
	'33': 10,
	'34': 10,
	'35': 10,
	'36': 10,
	'41': 16
};

/** Longest data field of any AI (AIs 91–99 and 8030). */
const MAX_VARIABLE_LENGTH = 90;
/** GS1 AI encodable character set 82. */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;
/** Batch/lot number, AI (10): 1–20 characters of CSET 82. Used for lots in events too. */
export const LOT_PATTERN = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/;

interface Element {
	ai: string;
	value: string;
}

class Gs1Error extends Error {
	constructor(readonly code: Gs1ErrorCode) {
		super(code);
	}
}

/** GS1 mod-10 check digit for the digits before the check digit (any GS1 key length). */
export function gs1CheckDigit(body: string): number {
	if (!/^\d+$/.test(body)) throw new RangeError('gs1CheckDigit needs digits');
	let sum = 0;
	for (let i = 0; i < body.length; i++) {
		// Weights 3,1,3,1… from the rightmost digit of the body.
		const weight = (body.length - i) % 2 === 1 ? 3 : 1;
		sum += (body.charCodeAt(i) - 48) * weight;
	}
	return (10 - (sum % 10)) % 10;
}

/** GTIN-8, -12, -13 or -14 with a correct check digit. */
export function isValidGtin(value: string): boolean {
	if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value)) return false;
	return gs1CheckDigit(value.slice(0, -1)) === Number(value[value.length - 1]);
}

function aiDigits(prefix: string): 2 | 3 | 4 {
	const n = AI_DIGITS_BY_PREFIX[prefix];
	if (n === undefined) throw new Gs1Error(/^\d{2}$/.test(prefix) ? 'GS1_UNKNOWN_AI' : 'GS1_FORMAT');
	return n;
}

/** Raw element string: AIs run together, GS after each variable-length field that is not last. */
function splitRaw(data: string): Element[] {
	const elements: Element[] = [];
	let pos = 0;
	while (pos < data.length) {
		if (data[pos] === GS) {
			// A leading FNC1, or a superfluous one after a predefined-length field.
			pos++;
			continue;
		}
		const n = aiDigits(data.slice(pos, pos + 2));
		const ai = data.slice(pos, pos + n);
		if (!/^\d+$/.test(ai) || ai.length < n) throw new Gs1Error(ai.length < n ? 'GS1_TRUNCATED' : 'GS1_FORMAT');
		pos += n;
		const total = PREDEFINED_LENGTH[ai.slice(0, 2)];
		if (total !== undefined) {
			const value = data.slice(pos, pos + total - n);
			if (value.length < total - n || value.includes(GS)) throw new Gs1Error('GS1_TRUNCATED');
			elements.push({ ai, value });
			pos += total - n;
		} else {
			const end = data.indexOf(GS, pos);
			const stop = end === -1 ? data.length : end;
			elements.push({ ai, value: data.slice(pos, stop) });
			pos = stop;
		}
	}
	return elements;
}

const HRI_AI = /\((\d{2,4})\)/g;

/** Human-readable form: every AI in parentheses; whitespace around elements is ignored. */
function splitHri(data: string): Element[] {
	const marks = [...data.matchAll(HRI_AI)];
	if (marks.length === 0 || marks[0]!.index !== 0) throw new Gs1Error('GS1_FORMAT');
	const elements: Element[] = [];
	marks.forEach((mark, i) => {
		const ai = mark[1]!;
		if (aiDigits(ai.slice(0, 2)) !== ai.length) throw new Gs1Error('GS1_UNKNOWN_AI');
		const start = mark.index + mark[0].length;
		const end = i + 1 < marks.length ? marks[i + 1]!.index : data.length;
		const value = data.slice(start, end).trim();
		const total = PREDEFINED_LENGTH[ai.slice(0, 2)];
		if (total !== undefined) {
			if (value.length < total - ai.length) throw new Gs1Error('GS1_TRUNCATED');
			if (value.length > total - ai.length) throw new Gs1Error('GS1_FORMAT');
		}
		elements.push({ ai, value });
	});
	return elements;
}

/**
 * GS1 century rule for YYMMDD (General Specifications §7.12): a two-digit year more than 50
 * years ahead of the reference year belongs to the previous century, one 50 or more years behind
 * it to the next century.
 */
function fullYear(yy: number, referenceYear: number): number {
	const current = referenceYear % 100;
	const century = referenceYear - current;
	const diff = yy - current;
	if (diff >= 51) return century - 100 + yy;
	if (diff <= -50) return century + 100 + yy;
	return century + yy;
}

/** YYMMDD with DD = 00 meaning the last day of the month, as an ISO date. */
export function gs1DateToIso(yymmdd: string, referenceYear: number): string | null {
	if (!/^\d{6}$/.test(yymmdd)) return null;
	const year = fullYear(Number(yymmdd.slice(0, 2)), referenceYear);
	const month = Number(yymmdd.slice(2, 4));
	const day = Number(yymmdd.slice(4, 6));
	if (month < 1 || month > 12) return null;
	const last = daysInMonth(year, month);
	if (day > last) return null;
	return formatIsoDate(year, month, day === 0 ? last : day);
}

function fail(code: Gs1ErrorCode): ParseGs1Result {
	return { ok: false, error: { code, message: GS1_ERROR_MESSAGES[code] } };
}

/**
 * Parses a scanned or typed GS1 element string and returns its GTIN (01), expiry (17) and lot
 * (10). `opts.referenceYear` fixes the century of two-digit years (default: the current year).
 */
export function parseGs1(raw: string, opts: { referenceYear?: number } = {}): ParseGs1Result {
	if (typeof raw !== 'string') return fail('GS1_FORMAT');
	if (containsMyNumber(raw)) return fail('MY_NUMBER');
	const referenceYear = opts.referenceYear ?? new Date().getUTCFullYear();
	// Full-width forms (typed human-readable text) become ASCII; GS (0x1D) is not whitespace.
	let data = toHalfWidth(raw).trim();
	if (data.startsWith(']')) {
		const id = data.slice(0, 3);
		if (!(GS1_SYMBOLOGY_IDENTIFIERS as readonly string[]).includes(id)) return fail('GS1_SYMBOLOGY');
		data = data.slice(3);
	}
	if (data === '' || data.length > 512) return fail('GS1_FORMAT');

	let elements: Element[];
	try {
		elements = data.trimStart().startsWith('(') ? splitHri(data.trim()) : splitRaw(data);
	} catch (e) {
		if (e instanceof Gs1Error) return fail(e.code);
		throw e;
	}
	if (elements.some((el) => containsMyNumber(el.value))) return fail('MY_NUMBER');

	const byAi = new Map<string, string>();
	for (const { ai, value } of elements) {
		const seen = byAi.get(ai);
		if (seen !== undefined && seen !== value) return fail('GS1_DUPLICATE_AI');
		byAi.set(ai, value);
	}

	for (const [ai, value] of byAi) {
		if (ai === '01') {
			if (!/^\d{14}$/.test(value)) return fail('GS1_GTIN_FORMAT');
			if (!isValidGtin(value)) return fail('GS1_GTIN_CHECK_DIGIT');
		} else if (ai === '17') {
			if (gs1DateToIso(value, referenceYear) === null) return fail('GS1_EXPIRY_INVALID');
		} else if (ai === '10') {
			if (!LOT_PATTERN.test(value)) return fail('GS1_LOT_INVALID');
		} else if (PREDEFINED_LENGTH[ai.slice(0, 2)] !== undefined) {
			if (!/^\d+$/.test(value)) return fail('GS1_FORMAT');
		} else if (value.length > MAX_VARIABLE_LENGTH || !CSET82.test(value)) {
			return fail('GS1_FORMAT');
		}
	}

	const gtin = byAi.get('01');
	if (gtin === undefined) return fail('GS1_GTIN_MISSING');
	const expiry = byAi.get('17');
	return {
		ok: true,
		gtin,
		expiry: expiry === undefined ? null : gs1DateToIso(expiry, referenceYear),
		lot: byAi.get('10') ?? null
	};
}
