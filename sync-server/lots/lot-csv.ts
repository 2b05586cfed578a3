import {
	findProduct,
	isIsoDate,
	isSiteCode,
	isValidGtin,
	LOT_PATTERN,
	productForGtin,
	toHalfWidth,
	type VaccineCatalog
} from '#shared/index';
import type { CsvEncoding } from '../csv/decode';
import { findColumns, readCsvTable } from '../csv/table';

/**
 * The lot master's CSV file (a delivery list from the wholesaler or the municipality's stock
 * sheet): one line per lot, or per lot and venue — lines of the same lot are merged.
 *
 *   製品,ロット番号,有効期限,納品先
 *   comirnaty,FK7789,2027-03-31,V001 V002
 *   09520000001018,FK7790,2027/03/31,V001
 *
 * 製品 is a product code of the vaccine catalogue or a GTIN of one of its packages; 有効期限 is
 * YYYY-MM-DD or YYYY/MM/DD; 納品先 is one or more site codes separated by spaces, commas,
 * semicolons, 、 or ・. UTF-8 (with or without BOM) or Shift_JIS, decoded strictly. A file
 * holding anything shaped like a My Number is refused whole. Errors name the line and the
 * column, never the cell's content.
 */

export interface LotLine {
	product: string;
	lot: string;
	expiry: string;
	sites: string[];
	/** The file lines that make up this lot. */
	lines: number[];
}

export interface LineError {
	line: number;
	column: string | null;
	code: string;
	message: string;
}

export type ParsedLotFile =
	| { ok: true; sha256: string; encoding: CsvEncoding; totalLines: number; lots: LotLine[]; errors: LineError[] }
	| { ok: false; code: 'ENCODING' | 'MY_NUMBER' | 'CSV_MALFORMED' | 'BAD_HEADER' | 'EMPTY_FILE'; message: string };

const COLUMNS = {
	product: { header: '製品', aliases: ['製品コード', 'GTIN', '商品コード'] },
	lot: { header: 'ロット番号', aliases: ['ロット', 'LOT'] },
	expiry: { header: '有効期限', aliases: ['使用期限'] },
	sites: { header: '納品先', aliases: ['納品先会場コード', '会場コード', '納品先コード'] }
} as const;
type Column = keyof typeof COLUMNS;

const refuse = (code: Exclude<ParsedLotFile, { ok: true }>['code'], message: string): ParsedLotFile => ({
	ok: false,
	code,
	message
});

/** YYYY-MM-DD or YYYY/MM/DD (one-digit month and day allowed) as an ISO date. */
function readDate(value: string): string | null {
	const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value);
	if (!m) return null;
	const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
	return isIsoDate(iso) ? iso : null;
}

function readProduct(value: string, catalog: VaccineCatalog): string | null {
	if (findProduct(catalog, value)) return value;
	if (/^\d{8,14}$/.test(value) && isValidGtin(value))
		return productForGtin(catalog, value.padStart(14, '0'))?.code ?? null;
	return null;
}

/** `catalog`: the current stored vaccine catalogue (sync-server/catalog). */
export function parseLotFile(bytes: Uint8Array, catalog: VaccineCatalog): ParsedLotFile {
	const read = readCsvTable(bytes);
	if (!read.ok) return read;
	const { sha256, encoding, table } = read;

	const columns = findColumns(table, COLUMNS);
	if (!columns.ok) return columns;
	const { index } = columns;

	const errors: LineError[] = [];
	const byKey = new Map<string, LotLine>();
	let totalLines = 0;
	table.slice(1).forEach((row, i) => {
		const line = i + 2;
		if (row.every((c) => c.trim() === '')) return;
		totalLines++;
		const cell = (k: Column) => toHalfWidth(row[index[k]] ?? '').trim();
		const lineErrors: LineError[] = [];
		const err = (column: Column, code: string, message: string) =>
			lineErrors.push({
				line,
				column: COLUMNS[column].header,
				code,
				message: `${line}行目「${COLUMNS[column].header}」: ${message}`
			});

		const product = readProduct(cell('product'), catalog);
		if (!product) err('product', 'PRODUCT_UNKNOWN', '登録されていない製品コードまたはGTINです。');
		const lot = cell('lot');
		if (!LOT_PATTERN.test(lot)) err('lot', 'LOT_FORMAT', 'ロット番号は英数字記号20文字以内です。');
		const expiry = readDate(cell('expiry'));
		if (!expiry) err('expiry', 'DATE_FORMAT', '日付は YYYY-MM-DD または YYYY/MM/DD で入力してください。');
		const sites = cell('sites')
			.split(/[\s,;、・|]+/)
			.filter((s) => s !== '');
		if (sites.length === 0) err('sites', 'SITES_REQUIRED', '納品先の会場・医療機関コードを1つ以上入力してください。');
		else if (!sites.every(isSiteCode))
			err('sites', 'SITE_FORMAT', '会場・医療機関コードは英数字と _ - の20文字以内です。');
		if (lineErrors.length === 0) {
			const key = `${product}\u0000${lot}`;
			const seen = byKey.get(key);
			if (seen && seen.expiry !== expiry) {
				err('expiry', 'EXPIRY_CONFLICT', `同じロットの${seen.lines[0]}行目と有効期限が異なります。`);
			} else if (seen) {
				seen.sites = [...new Set([...seen.sites, ...sites])];
				seen.lines.push(line);
			} else {
				byKey.set(key, { product: product!, lot, expiry: expiry!, sites: [...new Set(sites)], lines: [line] });
			}
		}
		errors.push(...lineErrors);
	});
	if (totalLines === 0) return refuse('EMPTY_FILE', '見出し行のほかにデータ行がありません。');
	const lots = [...byKey.values()].map((l) => ({ ...l, sites: [...l.sites].sort() }));
	return { ok: true, sha256, encoding, totalLines, lots, errors };
}
