import { compactDigits, toAsciiDigits } from './digits';
import { isValidMunicipalityCode } from './municipality';
import { containsMyNumber, MY_NUMBER_MESSAGE } from './my-number';

/**
 * The vaccination ticket (接種券) number as read from its QR code, its OCR line or its NW-7
 * barcode. 18 digits: 券種(1) 回数(1) 市町村コード(6) 券番号(10); NW-7 carries only the 10-digit
 * 券番号, so the municipality comes from the device's enrolment.
 */
export interface Ticket {
	kind: string | null;
	dose: number | null;
	municipality: string;
	number: string;
}

export type TicketErrorCode = 'TICKET_FORMAT' | 'MUNICIPALITY_CHECK_DIGIT' | 'MUNICIPALITY_REQUIRED' | 'MY_NUMBER';

export type ParseTicketResult =
	| { ok: true; ticket: Ticket }
	| { ok: false; error: { code: TicketErrorCode; message: string } };

const MESSAGES: Record<TicketErrorCode, string> = {
	TICKET_FORMAT: '接種券番号の形式が正しくありません（18桁、または券番号10桁）。',
	MUNICIPALITY_CHECK_DIGIT: '市町村コードの検査数字が一致しません。読み取り誤りの可能性があります。',
	MUNICIPALITY_REQUIRED: '券番号のみのバーコードです。市町村コードが必要です。',
	MY_NUMBER: MY_NUMBER_MESSAGE
};

function fail(code: TicketErrorCode): ParseTicketResult {
	return { ok: false, error: { code, message: MESSAGES[code] } };
}

export function parseTicket(raw: string, opts: { municipality?: string } = {}): ParseTicketResult {
	if (containsMyNumber(raw)) return fail('MY_NUMBER');
	const trimmed = toAsciiDigits(raw).trim();
	// NW-7 (Codabar) start/stop characters are A–D; a wedge scanner may pass them through.
	const codabar = /^[A-Da-d]([\d\s-]+)[A-Da-d]$/.exec(trimmed);
	const digits = compactDigits(codabar ? codabar[1]! : trimmed);
	if (!/^\d+$/.test(digits)) return fail('TICKET_FORMAT');
	if (digits.length === 18) {
		const municipality = digits.slice(2, 8);
		if (!isValidMunicipalityCode(municipality)) return fail('MUNICIPALITY_CHECK_DIGIT');
		return {
			ok: true,
			ticket: { kind: digits[0]!, dose: Number(digits[1]), municipality, number: digits.slice(8) }
		};
	}
	if (digits.length === 10) {
		const municipality = opts.municipality;
		if (!municipality) return fail('MUNICIPALITY_REQUIRED');
		if (!isValidMunicipalityCode(municipality)) return fail('MUNICIPALITY_CHECK_DIGIT');
		return { ok: true, ticket: { kind: null, dose: null, municipality, number: digits } };
	}
	return fail('TICKET_FORMAT');
}

/** Ticket number in groups of 4-3-3 digits for reading aloud on the confirmation screen. */
export function groupTicketNumber(number: string): string[] {
	return [number.slice(0, 4), number.slice(4, 7), number.slice(7)];
}
