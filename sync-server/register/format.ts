import { DOSE_NUMBER_LIMIT, isIsoDate, isValidMunicipalityCode } from '#shared/index';
import { japanDateAt } from '#shared/domain/japan-time';

/**
 * The register CSV (one row per issued ticket), as the municipal health system exports it:
 *
 *   券番号,市町村コード,接種可能回数,転出日,死亡日
 *   0000000001,131016,1-3,,
 *   0000000002,131016,"1,2,5",2025/04/01,
 *
 * - The first row is the header; columns are found by their Japanese names, in any order.
 *   券番号, 市町村コード and 接種可能回数 are required; 転出日 and 死亡日 are optional columns and
 *   may be empty. Other columns are ignored (and listed in the preview), never stored.
 * - 券番号: 10 digits (leading zeros kept). 市町村コード: 6 digits with a valid check digit.
 * - 接種可能回数: the dose numbers the ticket holder may receive, 1–6, as a range `1-3`, a list
 *   `1,2,3` (quote it in CSV) or both `1-2,5`; `、` `・` and spaces also separate, `〜` also joins.
 * - Dates: YYYY-MM-DD or YYYY/MM/DD (month and day may have one digit), real, not in the future.
 * - Full-width digits are read as digits. Blank lines are skipped. Line numbers count from the
 *   header (line 1).
 */
export const COLUMNS = {
	ticketNumber: { header: '券番号', aliases: ['接種券番号'], required: true },
	municipality: { header: '市町村コード', aliases: ['自治体コード'], required: true },
	eligibleDoses: { header: '接種可能回数', aliases: [], required: true },
	movedOutOn: { header: '転出日', aliases: [], required: false },
	deceasedOn: { header: '死亡日', aliases: [], required: false }
} as const;
export type ColumnKey = keyof typeof COLUMNS;

export const LINE_ERROR_CODES = [
	'COLUMN_COUNT',
	'TICKET_FORMAT',
	'MUNICIPALITY_FORMAT',
	'MUNICIPALITY_CHECK_DIGIT',
	'DOSES_FORMAT',
	'DOSES_RANGE',
	'DATE_FORMAT',
	'DATE_FUTURE',
	'DUPLICATE_TICKET'
] as const;
export type LineErrorCode = (typeof LINE_ERROR_CODES)[number];

/** One problem of one line. Never carries the cell's content, only where and what. */
export interface LineError {
	line: number;
	/** The header name of the column, or null for the line as a whole. */
	column: string | null;
	code: LineErrorCode;
	message: string;
}

type FieldResult<T> = { ok: true; value: T } | { ok: false; code: LineErrorCode; message: string };

const norm = (s: string) => s.normalize('NFKC').trim();

export function readTicketNumber(cell: string): FieldResult<string> {
	const v = norm(cell);
	if (/^\d{10}$/.test(v)) return { ok: true, value: v };
	const hint = /^\d{1,9}$/.test(v) ? '先頭の0が表計算ソフトで消えていないか確認してください。' : '';
	return {
		ok: false,
		code: 'TICKET_FORMAT',
		message: `券番号は10桁の数字です（この値は${[...v].length}文字です）。${hint}`
	};
}

export function readMunicipality(cell: string): FieldResult<string> {
	const v = norm(cell);
	if (!/^\d{6}$/.test(v)) {
		const hint = /^\d{5}$/.test(v) ? '5桁のコードには検査数字を付けて6桁にしてください。' : '';
		return { ok: false, code: 'MUNICIPALITY_FORMAT', message: `市町村コードは6桁の数字です。${hint}` };
	}
	if (!isValidMunicipalityCode(v))
		return { ok: false, code: 'MUNICIPALITY_CHECK_DIGIT', message: '市町村コードの検査数字（6桁目）が合いません。' };
	return { ok: true, value: v };
}

const DOSES_FORMAT_MESSAGE = '接種可能回数は「1-3」「1,2,3」のように回数の範囲か並びで書いてください。';

export function readEligibleDoses(cell: string): FieldResult<number[]> {
	const v = norm(cell);
	if (v === '') return { ok: false, code: 'DOSES_FORMAT', message: `接種可能回数が空です。${DOSES_FORMAT_MESSAGE}` };
	const doses = new Set<number>();
	for (const item of v.split(/[,、・;\s]+/).filter((s) => s !== '')) {
		const m = /^(\d{1,2})(?:\s*[-‐–—〜~ー]\s*(\d{1,2}))?$/.exec(item);
		if (!m) return { ok: false, code: 'DOSES_FORMAT', message: DOSES_FORMAT_MESSAGE };
		const from = Number(m[1]);
		const to = m[2] === undefined ? from : Number(m[2]);
		if (to < from)
			return {
				ok: false,
				code: 'DOSES_FORMAT',
				message: `接種可能回数の範囲が逆です（小さい回数から書いてください）。`
			};
		if (from < 1 || to > DOSE_NUMBER_LIMIT)
			return { ok: false, code: 'DOSES_RANGE', message: `接種可能回数は1〜${DOSE_NUMBER_LIMIT}回の範囲です。` };
		for (let d = from; d <= to; d++) doses.add(d);
	}
	return { ok: true, value: [...doses].sort((a, b) => a - b) };
}

/** An optional date; `today` is the JST date (YYYY-MM-DD) the file is checked on. */
export function readDate(cell: string, label: string, today: string): FieldResult<string | null> {
	const v = norm(cell);
	if (v === '') return { ok: true, value: null };
	const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(v);
	const iso = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : '';
	if (!m || m[0].includes('-') === m[0].includes('/') || !isIsoDate(iso)) {
		return {
			ok: false,
			code: 'DATE_FORMAT',
			message: `${label}は YYYY-MM-DD か YYYY/MM/DD の実在する日付で書いてください。`
		};
	}
	if (iso > today) return { ok: false, code: 'DATE_FUTURE', message: `${label}が未来の日付です。` };
	return { ok: true, value: iso };
}

/** Today's date in Japan (the register's dates are Japanese calendar dates). */
export function todayInJapan(now: Date = new Date()): string {
	return japanDateAt(now);
}
