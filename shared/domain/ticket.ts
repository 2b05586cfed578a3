import { compactDigits, toAsciiDigits, toHalfWidth } from './digits';
import { isValidMunicipalityCode } from './municipality';
import { containsMyNumber, MY_NUMBER_MESSAGE } from './my-number';

/**
 * The vaccination ticket (接種券) number as read from its QR code, its OCR line or its NW-7
 * barcode. 18 digits: 券種(1) 回数(1) 市町村コード(6) 券番号(10); NW-7 carries only the 10-digit
 * 券番号, so the municipality comes from the device's enrolment. The 券番号 has no check digit:
 * a person must confirm what was read.
 */
export interface Ticket {
	/** 券種 digit, or null when the code read does not carry it (NW-7). */
	kind: string | null;
	/** 回数 digit, or null when the code read does not carry it (NW-7). */
	dose: number | null;
	municipality: string;
	number: string;
}

export type TicketErrorCode = 'TICKET_FORMAT' | 'MUNICIPALITY_CHECK_DIGIT' | 'MUNICIPALITY_REQUIRED' | 'MY_NUMBER';

export const TICKET_ERROR_CODES: readonly TicketErrorCode[] = [
	'TICKET_FORMAT',
	'MUNICIPALITY_CHECK_DIGIT',
	'MUNICIPALITY_REQUIRED',
	'MY_NUMBER'
];

export type ParseTicketResult =
	{ ok: true; ticket: Ticket } | { ok: false; error: { code: TicketErrorCode; message: string } };

export const TICKET_ERROR_MESSAGES: Readonly<Record<TicketErrorCode, string>> = {
	TICKET_FORMAT: '接種券番号の形式が正しくありません（18桁、または券番号10桁）。',
	MUNICIPALITY_CHECK_DIGIT: '市町村コードが正しくありません（検査数字の不一致）。読み取り誤りの可能性があります。',
	MUNICIPALITY_REQUIRED: '券番号のみのバーコードです。市町村コードが必要です。',
	MY_NUMBER: MY_NUMBER_MESSAGE
};

/** Longest input worth looking at: 18 digits with generous separators and NW-7 letters. */
const MAX_INPUT_LENGTH = 64;
/** Digits with separators (spaces, dashes) only between them. */
const DIGITS_WITH_SEPARATORS = /^\d+(?:[\s\-\u2010-\u2015\u2212\u30fc\uff70]+\d+)*$/;
/** NW-7 (Codabar) start and stop characters; a wedge scanner may pass them through. */
const CODABAR = /^[A-Da-d](.*)[A-Da-d]$/s;

function fail(code: TicketErrorCode): ParseTicketResult {
	return { ok: false, error: { code, message: TICKET_ERROR_MESSAGES[code] } };
}

/**
 * Reads what scanners and people produce: the 18 digits of the QR code or OCR line (spaces,
 * hyphens and full-width digits allowed), or the 10-digit 券番号 of an NW-7 barcode with or
 * without its A–D start/stop letters, which needs `opts.municipality`. A value that is or
 * contains a My Number is refused before anything else and never echoed.
 */
export function parseTicket(raw: string, opts: { municipality?: string } = {}): ParseTicketResult {
	if (typeof raw !== 'string') return fail('TICKET_FORMAT');
	if (containsMyNumber(raw)) return fail('MY_NUMBER');
	if (raw.length > MAX_INPUT_LENGTH) return fail('TICKET_FORMAT');
	const text = toHalfWidth(raw).trim();
	const codabar = CODABAR.exec(text);
	const body = codabar ? codabar[1]!.trim() : text;
	if (!DIGITS_WITH_SEPARATORS.test(body)) return fail('TICKET_FORMAT');
	const digits = compactDigits(body);
	if (digits.length === 18 && !codabar) {
		const municipality = digits.slice(2, 8);
		if (!isValidMunicipalityCode(municipality)) return fail('MUNICIPALITY_CHECK_DIGIT');
		return {
			ok: true,
			ticket: { kind: digits[0]!, dose: Number(digits[1]), municipality, number: digits.slice(8) }
		};
	}
	if (digits.length === 10) {
		const municipality = toAsciiDigits(opts.municipality ?? '').trim();
		if (municipality === '') return fail('MUNICIPALITY_REQUIRED');
		if (!isValidMunicipalityCode(municipality)) return fail('MUNICIPALITY_CHECK_DIGIT');
		return { ok: true, ticket: { kind: null, dose: null, municipality, number: digits } };
	}
	return fail('TICKET_FORMAT');
}

/** Ticket number in groups of 4-3-3 digits for reading aloud on the confirmation screen. */
export function groupTicketNumber(number: string): string[] {
	return [number.slice(0, 4), number.slice(4, 7), number.slice(7)];
}
