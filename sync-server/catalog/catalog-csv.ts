import * as v from 'valibot';
import {
	catalogIssueCode,
	INJECTION_SITE_LABELS,
	INJECTION_SITES,
	isCode,
	ProductSchema,
	ROUTE_LABELS,
	ROUTES,
	toHalfWidth,
	type InjectionSite,
	type Route,
	type VaccineCatalog,
	type VaccineProduct
} from '#shared/index';
import type { CatalogChangeAction, CatalogLineError, PlannedProduct } from '#shared/office/catalog-api';
import type { CsvEncoding } from '../csv/decode';
import { findColumns, readCsvTable } from '../csv/table';
import {
	canonicalJson,
	CATALOG_ERROR_MESSAGES,
	checkCatalog,
	normaliseGtin,
	productProblems,
	putMaker,
	type CatalogErrorCode
} from './catalog-edit';

/**
 * The vaccine catalogue's CSV file: one line per product, added or replacing the product with
 * its code. Products not in the file stay as they are (products are never removed).
 *
 *   製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日
 *   comirnaty,コミナティ筋注,pfizer,ファイザー,09520000001018;09520000001025,0.3;0.2,左上腕;右上腕,筋肉内注射,6,21;90;90;90;90
 *
 * Lists inside a cell are separated by `;` (also `、`, `|` or spaces). GTIN: GTIN-13 or GTIN-14
 * with a correct check digit (may be empty). 部位: left-deltoid, right-deltoid, left-thigh,
 * right-thigh or 左上腕・右上腕・左大腿・右大腿 (with or without （三角筋）/（前外側部）). 方法:
 * intramuscular/subcutaneous or 筋肉内注射/皮下注射 (筋注/皮下注). 接種間隔日: minimum days before
 * doses 2, 3, … up to 最大接種回数, one value each. 製造販売業者名 (optional column) adds the maker
 * or renames it; an unknown maker code without a name is an error. UTF-8 (with or without BOM)
 * or Shift_JIS, decoded strictly; a file holding anything shaped like a My Number is refused
 * whole. Errors name the line and the column, never the cell's content.
 */

export interface ProductLine {
	line: number;
	product: VaccineProduct;
	makerName: string | null;
}

export type ParsedProductFile =
	| {
			ok: true;
			sha256: string;
			encoding: CsvEncoding;
			totalLines: number;
			lines: ProductLine[];
			errors: CatalogLineError[];
	  }
	| { ok: false; code: 'ENCODING' | 'MY_NUMBER' | 'CSV_MALFORMED' | 'BAD_HEADER' | 'EMPTY_FILE'; message: string };

const COLUMNS = {
	code: { header: '製品コード', aliases: ['製品'], required: true },
	name: { header: '製品名', aliases: [], required: true },
	maker: { header: '製造販売業者コード', aliases: ['メーカーコード'], required: true },
	makerName: { header: '製造販売業者名', aliases: ['メーカー名'], required: false },
	gtins: { header: 'GTIN', aliases: ['GTINコード'], required: true },
	volumes: { header: '接種量mL', aliases: ['接種量', '接種量(mL)'], required: true },
	sites: { header: '部位', aliases: ['接種部位'], required: true },
	routes: { header: '方法', aliases: ['接種方法'], required: true },
	maxDose: { header: '最大接種回数', aliases: [], required: true },
	intervals: { header: '接種間隔日', aliases: ['接種間隔', '接種間隔(日)'], required: true }
} as const;
type Column = keyof typeof COLUMNS;

/** The file's column for each field of a product. */
const COLUMN_OF_FIELD: Partial<Record<string, Column>> = {
	code: 'code',
	name: 'name',
	maker: 'maker',
	gtins: 'gtins',
	volumesMl: 'volumes',
	sites: 'sites',
	routes: 'routes',
	maxDoseNumber: 'maxDose',
	minIntervalDays: 'intervals'
};

const LIST = /[;；、|\s]+/;
const list = (cell: string) => cell.split(LIST).filter((s) => s !== '');
const norm = (s: string) => s.normalize('NFKC').replace(/\s/g, '');

const SITE_NAMES = new Map<string, InjectionSite>();
for (const s of INJECTION_SITES) {
	SITE_NAMES.set(s, s);
	SITE_NAMES.set(norm(INJECTION_SITE_LABELS[s]), s);
	SITE_NAMES.set(norm(INJECTION_SITE_LABELS[s]).replace(/\(.*\)$/, ''), s);
}
const ROUTE_NAMES = new Map<string, Route>();
for (const r of ROUTES) {
	ROUTE_NAMES.set(r, r);
	ROUTE_NAMES.set(norm(ROUTE_LABELS[r]), r);
}
ROUTE_NAMES.set('筋注', 'intramuscular');
ROUTE_NAMES.set('皮下注', 'subcutaneous');

const refuse = (code: Exclude<ParsedProductFile, { ok: true }>['code'], message: string): ParsedProductFile => ({
	ok: false,
	code,
	message
});

/** Reads the file into product lines; errors of each line's format (nothing about the current catalogue yet). */
export function parseProductFile(bytes: Uint8Array): ParsedProductFile {
	const read = readCsvTable(bytes);
	if (!read.ok) return read;
	const { sha256, encoding, table } = read;

	const columns = findColumns(table, COLUMNS);
	if (!columns.ok) return columns;
	const { index } = columns;

	const errors: CatalogLineError[] = [];
	const lines: ProductLine[] = [];
	const seenCodes = new Map<string, number>();
	let totalLines = 0;
	table.slice(1).forEach((row, i) => {
		const line = i + 2;
		if (row.every((c) => c.trim() === '')) return;
		totalLines++;
		const cell = (k: Column) => (index[k] === -1 ? '' : toHalfWidth(row[index[k]] ?? '').trim());
		const lineErrors: CatalogLineError[] = [];
		const err = (column: Column, code: string, message: string) =>
			lineErrors.push({
				line,
				column: COLUMNS[column].header,
				code,
				message: `${line}行目「${COLUMNS[column].header}」: ${message}`
			});

		// Cells to values (lists, Japanese site and route names, GTIN-13 to GTIN-14); a value that
		// does not read stays as it is, for the product schema to refuse with its code.
		const code = cell('code');
		const name = (index.name === -1 ? '' : (row[index.name] ?? '')).trim();
		const maker = cell('maker');
		const makerName = (index.makerName === -1 ? '' : (row[index.makerName] ?? '')).trim();
		if (makerName.length > 100) err('makerName', 'NAME_REQUIRED', CATALOG_ERROR_MESSAGES.NAME_REQUIRED);
		const number = (x: string, pattern: RegExp) => (pattern.test(x) ? Number(x) : NaN);
		const maxDose = number(cell('maxDose'), /^\d{1,2}$/);
		const intervals = list(cell('intervals')).map((x) => number(x, /^\d{1,4}$/));
		const product = {
			code,
			name,
			maker,
			gtins: list(cell('gtins')).map((g) => normaliseGtin(g) ?? g),
			volumesMl: list(cell('volumes')).map((x) => number(x, /^\d+(\.\d+)?$/)),
			sites: [...new Set(list(cell('sites')).map((x) => SITE_NAMES.get(norm(x)) ?? x))],
			routes: [...new Set(list(cell('routes')).map((x) => ROUTE_NAMES.get(norm(x)) ?? x))],
			maxDoseNumber: maxDose,
			minIntervalDays: Object.fromEntries(intervals.map((d, k) => [k + 2, d]))
		};

		// The rules are the product schema's (shared/domain/vaccines.ts): one error per column and
		// code, with what a person filling the file needs to know added.
		// Not abortPipeEarly: the intervals' count is checked against the dose limit (a partial check)
		// even when another column of the line is wrong.
		const checked = v.safeParse(ProductSchema, product);
		const reported = new Set<string>();
		for (const issue of checked.issues ?? []) {
			const path = v.getDotPath(issue) ?? '';
			const column = COLUMN_OF_FIELD[path.split('.')[0]!] ?? 'code';
			const errorCode = catalogIssueCode(issue);
			const gtin = /^gtins\.(\d+)$/.exec(path);
			const key = gtin ? path : `${column} ${errorCode}`;
			if (reported.has(key)) continue;
			reported.add(key);
			const hint =
				column === 'sites'
					? '（左上腕・右上腕・左大腿・右大腿）'
					: column === 'routes'
						? '（筋肉内注射・皮下注射）'
						: column === 'intervals'
							? `（最大接種回数${Number.isNaN(maxDose) ? '' : maxDose}回なら${Math.max(0, maxDose - 1) || 0}個）`
							: '';
			err(
				column,
				errorCode,
				`${gtin ? `${Number(gtin[1]) + 1}つ目: ` : ''}${CATALOG_ERROR_MESSAGES[errorCode]}${hint}`
			);
		}
		if (isCode(code) && seenCodes.has(code))
			err(
				'code',
				'PRODUCT_DUPLICATE',
				`同じ製品コードが${seenCodes.get(code)}行目にもあります。1製品は1行にしてください。`
			);
		if (isCode(code) && !seenCodes.has(code)) seenCodes.set(code, line);
		if (lineErrors.length === 0 && checked.success)
			lines.push({ line, makerName: makerName === '' ? null : makerName, product: checked.output });
		errors.push(...lineErrors);
	});
	if (totalLines === 0) return refuse('EMPTY_FILE', '見出し行のほかにデータ行がありません。');
	return { ok: true, sha256, encoding, totalLines, lines, errors };
}

export interface ProductImportPlan {
	/** The catalogue after the file (the current one when it changes nothing). */
	catalog: VaccineCatalog;
	changed: boolean;
	products: PlannedProduct[];
	makers: { code: string; name: string; action: CatalogChangeAction }[];
	errors: CatalogLineError[];
}

/**
 * What the file's lines do to the current catalogue, and every error that depends on it
 * (maker unknown, a GTIN on two products, a product's dose limit above the catalogue's). A GTIN
 * may move from one product to another within one file: duplicates are judged on the result.
 */
export function planProductImport(current: VaccineCatalog, lines: readonly ProductLine[]): ProductImportPlan {
	const errors: CatalogLineError[] = [];
	const lineError = (line: number, column: string | null, code: CatalogErrorCode | string, message: string) =>
		errors.push({ line, column, code, message: `${line}行目${column ? `「${column}」` : ''}: ${message}` });
	let next: VaccineCatalog = current;
	const makers: ProductImportPlan['makers'] = [];
	const named = new Map<string, string>();
	for (const l of lines) {
		if (l.makerName === null) continue;
		const code = l.product.maker;
		const seen = named.get(code);
		if (seen !== undefined) {
			if (seen !== l.makerName)
				lineError(
					l.line,
					COLUMNS.makerName.header,
					'MAKER_NAME_CONFLICT',
					'同じ製造販売業者コードに別の名称が書かれた行があります。'
				);
			continue;
		}
		named.set(code, l.makerName);
		const r = putMaker(next, { code, name: l.makerName });
		if (!r.ok) lineError(l.line, COLUMNS.makerName.header, r.code, r.message);
		else {
			makers.push({ code, name: l.makerName, action: r.action });
			next = r.catalog;
		}
	}
	const products = [...next.products];
	const planned: PlannedProduct[] = [];
	const lineOf = new Map<string, number>();
	for (const l of lines) {
		// Field checks against the makers; GTINs held by other products are judged on the result below.
		const problem = productProblems(l.product, { ...next, products: [] });
		if (problem) {
			lineError(l.line, null, problem.code, problem.message);
			continue;
		}
		const i = products.findIndex((p) => p.code === l.product.code);
		const action: CatalogChangeAction =
			i === -1 ? 'insert' : canonicalJson(products[i]) === canonicalJson(l.product) ? 'unchanged' : 'update';
		if (i === -1) products.push(l.product);
		else products[i] = action === 'unchanged' ? products[i]! : l.product;
		lineOf.set(l.product.code, l.line);
		planned.push({ code: l.product.code, name: l.product.name, action, lines: [l.line] });
	}
	const holders = new Map<string, string[]>();
	for (const p of products) for (const g of p.gtins) holders.set(g, [...(holders.get(g) ?? []), p.code]);
	for (const [gtin, codes] of holders) {
		if (codes.length < 2) continue;
		for (const code of codes) {
			const line = lineOf.get(code);
			if (line !== undefined)
				lineError(
					line,
					COLUMNS.gtins.header,
					'GTIN_TAKEN',
					`${CATALOG_ERROR_MESSAGES.GTIN_TAKEN}（${gtin}: ${codes.filter((c) => c !== code).join('、')}）`
				);
		}
	}
	const result: VaccineCatalog = { ...next, products };
	const changed = canonicalJson(result) !== canonicalJson(current);
	if (changed && errors.length === 0) {
		// The whole catalogue through the schema devices use: nothing is stored that they would refuse.
		const whole = checkCatalog(result);
		if (!whole.ok) errors.push({ line: null, column: null, code: whole.code, message: whole.message });
	}
	return { catalog: changed ? result : current, changed, products: planned, makers, errors };
}
