import * as v from 'valibot';
import { CODE_PATTERN } from './codes';
import { isValidGtin } from './gs1';

/**
 * Vaccine products and their rules: the one place where products, makers, allowed dose volumes,
 * injection sites, routes, dose-number limits and minimum intervals are configured. Code reads
 * these through the helpers below and never repeats the values.
 *
 * Catalog shape (plain JSON, so a deployment can supply its own and check it with
 * `parseVaccineCatalog`):
 *
 *   {
 *     maxDoseNumber: number,                       // highest dose number any record may carry
 *     makers:   { [makerCode]: { name } },         // 製造販売業者
 *     products: [{
 *       code, name, maker,                         // product code stored in events; maker code
 *       gtins: string[],                           // GTIN-14s of its packaging (GS1 (01))
 *       volumesMl: number[],                       // allowed dose volumes (接種量)
 *       sites: InjectionSite[],                    // allowed 部位
 *       routes: Route[],                           // allowed 方法
 *       maxDoseNumber: number,                     // ≤ catalog maxDoseNumber
 *       minIntervalDays: { [doseNumber]: days },   // minimum days since dose n−1, for every
 *     }]                                           //   dose number 2..maxDoseNumber
 *   }
 *
 * The default catalog below follows the Japanese package inserts (添付文書) and the MHLW
 * 実施要領 as the authors understood them (standard intervals: 3 weeks Comirnaty / Nuvaxovid,
 * 4 weeks Spikevax / Kostaive for the second dose; 3 months, configured as 90 days, before later
 * doses). GTINs use the GS1 prefix 952, which GS1 reserves for examples: a deployment must put
 * the real GTINs of the packages it receives, and check every value against the current
 * 添付文書 before use.
 */

/** 部位: where the dose was injected. */
export const INJECTION_SITES = ['left-deltoid', 'right-deltoid', 'left-thigh', 'right-thigh'] as const;
export type InjectionSite = (typeof INJECTION_SITES)[number];
export const INJECTION_SITE_LABELS: Readonly<Record<InjectionSite, string>> = {
	'left-deltoid': '左上腕（三角筋）',
	'right-deltoid': '右上腕（三角筋）',
	'left-thigh': '左大腿（前外側部）',
	'right-thigh': '右大腿（前外側部）'
};

/** 方法: how the dose was given. */
export const ROUTES = ['intramuscular', 'subcutaneous'] as const;
export type Route = (typeof ROUTES)[number];
export const ROUTE_LABELS: Readonly<Record<Route, string>> = {
	intramuscular: '筋肉内注射',
	subcutaneous: '皮下注射'
};

/** The highest dose number a record may carry (1–6 today). */
export const DOSE_NUMBER_LIMIT = 6;

export interface VaccineProduct {
	/** Stable code stored in events (`vaccine.product`). */
	readonly code: string;
	/** Japanese product name for screens and exports. */
	readonly name: string;
	/** Key into `VaccineCatalog.makers`. */
	readonly maker: string;
	/** GTIN-14s printed on its packaging, to resolve a scanned GS1 code to the product. */
	readonly gtins: readonly string[];
	/** Allowed dose volumes in mL (one per formulation or age group). */
	readonly volumesMl: readonly number[];
	readonly sites: readonly InjectionSite[];
	readonly routes: readonly Route[];
	/** Highest dose number this product may be given as. */
	readonly maxDoseNumber: number;
	/** Minimum whole days since dose n−1, keyed by dose number n (2..maxDoseNumber). */
	readonly minIntervalDays: Readonly<Record<number, number>>;
}

export interface VaccineCatalog {
	readonly maxDoseNumber: number;
	readonly makers: Readonly<Record<string, { readonly name: string }>>;
	readonly products: readonly VaccineProduct[];
}

const BOTH_ARMS: readonly InjectionSite[] = ['left-deltoid', 'right-deltoid'];
const ARMS_AND_THIGHS: readonly InjectionSite[] = ['left-deltoid', 'right-deltoid', 'left-thigh', 'right-thigh'];
const IM: readonly Route[] = ['intramuscular'];

/** Minimum intervals: `second` days before dose 2, `later` days before doses 3..limit. */
function intervals(second: number, later: number, limit = DOSE_NUMBER_LIMIT): Record<number, number> {
	const out: Record<number, number> = {};
	for (let n = 2; n <= limit; n++) out[n] = n === 2 ? second : later;
	return out;
}

export const DEFAULT_VACCINE_CATALOG: VaccineCatalog = {
	maxDoseNumber: DOSE_NUMBER_LIMIT,
	makers: {
		pfizer: { name: 'ファイザー' },
		moderna: { name: 'モデルナ' },
		takeda: { name: '武田薬品工業' },
		'daiichi-sankyo': { name: '第一三共' },
		'meiji-seika': { name: 'Meiji Seika ファルマ' }
	},
	products: [
		{
			code: 'comirnaty',
			name: 'コミナティ筋注',
			maker: 'pfizer',
			gtins: ['09520000001018', '09520000001025'],
			volumesMl: [0.3, 0.2],
			sites: ARMS_AND_THIGHS,
			routes: IM,
			maxDoseNumber: DOSE_NUMBER_LIMIT,
			minIntervalDays: intervals(21, 90)
		},
		{
			code: 'spikevax',
			name: 'スパイクバックス筋注',
			maker: 'moderna',
			gtins: ['09520000002015', '09520000002022'],
			volumesMl: [0.5, 0.25],
			sites: ARMS_AND_THIGHS,
			routes: IM,
			maxDoseNumber: DOSE_NUMBER_LIMIT,
			minIntervalDays: intervals(28, 90)
		},
		{
			code: 'nuvaxovid',
			name: 'ヌバキソビッド筋注',
			maker: 'takeda',
			gtins: ['09520000003012'],
			volumesMl: [0.5],
			sites: BOTH_ARMS,
			routes: IM,
			maxDoseNumber: DOSE_NUMBER_LIMIT,
			minIntervalDays: intervals(21, 90)
		},
		{
			code: 'daichirona',
			name: 'ダイチロナ筋注',
			maker: 'daiichi-sankyo',
			gtins: ['09520000004019'],
			volumesMl: [0.6],
			sites: BOTH_ARMS,
			routes: IM,
			maxDoseNumber: DOSE_NUMBER_LIMIT,
			minIntervalDays: intervals(28, 90)
		},
		{
			code: 'kostaive',
			name: 'コスタイベ筋注用',
			maker: 'meiji-seika',
			gtins: ['09520000005016'],
			volumesMl: [0.5],
			sites: BOTH_ARMS,
			routes: IM,
			maxDoseNumber: DOSE_NUMBER_LIMIT,
			minIntervalDays: intervals(28, 90)
		}
	]
};

export function findProduct(catalog: VaccineCatalog, code: string): VaccineProduct | undefined {
	return catalog.products.find((p) => p.code === code);
}

/** The product whose packaging carries this GTIN-14 (from a parsed GS1 (01)). */
export function productForGtin(catalog: VaccineCatalog, gtin: string): VaccineProduct | undefined {
	return catalog.products.find((p) => p.gtins.includes(gtin));
}

/** Minimum days since dose n−1 before dose n of this product; 0 for dose 1. */
export function minIntervalDays(product: VaccineProduct, doseNumber: number): number {
	if (doseNumber <= 1) return 0;
	const days = product.minIntervalDays[doseNumber];
	if (days === undefined) throw new RangeError('dose number beyond the product configuration');
	return days;
}

/**
 * Why a product or catalogue is refused: one stable code per rule, with its Japanese text. The
 * schema below carries the codes (as the event schema does), so the device's check of a pushed
 * catalogue, the office's product form and the product CSV import refuse by the same rules.
 */
export const CATALOG_ERROR_MESSAGES = {
	MY_NUMBER: '個人番号（マイナンバー）と思われる数字が含まれています。保存できません。',
	CODE_FORMAT: 'コードは英数字と _ - の20文字以内です。',
	NAME_REQUIRED: '名称を入力してください（100文字以内）。',
	MAKER_UNKNOWN: '製造販売業者が登録されていません。先に製造販売業者を登録してください。',
	GTIN_INVALID: 'GTINが正しくありません（13桁または14桁、検査数字を確認してください）。',
	GTIN_DUPLICATE: '同じGTINが2回入力されています。',
	GTIN_TAKEN: 'このGTINは別の製品に登録されています。',
	PRODUCT_DUPLICATE: '製品コードが重複しています。',
	VOLUMES_INVALID: '接種量（mL）は0より大きく5以下の数値を1つ以上入力してください。',
	SITES_INVALID: '接種部位を1つ以上選んでください。',
	ROUTES_INVALID: '接種方法を1つ以上選んでください。',
	MAX_DOSE_INVALID: '最大接種回数が範囲外です。',
	INTERVALS_INVALID: '接種間隔（日）は2回目から最大接種回数まで、0〜3650の整数ですべて入力してください。',
	CATALOG_INVALID: 'ワクチン製品の設定として正しくありません。'
} as const;
export type CatalogErrorCode = keyof typeof CATALOG_ERROR_MESSAGES;

const codeOf = <C extends CatalogErrorCode>(c: C) => c;
const unique = <T>(values: T[]) => new Set(values).size === values.length;
const catalogCode = (c: CatalogErrorCode) => v.pipe(v.string(codeOf(c)), v.regex(CODE_PATTERN, codeOf(c)));
const catalogName = v.pipe(
	v.string(codeOf('NAME_REQUIRED')),
	v.check((n) => n.trim() !== '', codeOf('NAME_REQUIRED')),
	v.maxLength(100, codeOf('NAME_REQUIRED'))
);
const doseLimit = (c: CatalogErrorCode) => v.pipe(v.number(c), v.integer(c), v.minValue(1, c), v.maxValue(9, c));

/** Every dose number from 2 to the product's limit has an interval, and no other. */
function intervalsComplete(p: { maxDoseNumber: number; minIntervalDays: Record<string, number> }): boolean {
	const keys = Object.keys(p.minIntervalDays)
		.map(Number)
		.sort((a, b) => a - b);
	const expected = Array.from({ length: p.maxDoseNumber - 1 }, (_, i) => i + 2);
	return keys.length === expected.length && keys.every((k, i) => k === expected[i]);
}

/** One product on its own (what the catalogue around it must also hold is checked below). */
export const ProductSchema = v.pipe(
	v.strictObject(
		{
			code: catalogCode('CODE_FORMAT'),
			name: catalogName,
			maker: catalogCode('CODE_FORMAT'),
			gtins: v.pipe(
				v.array(
					v.pipe(
						v.string(codeOf('GTIN_INVALID')),
						v.check((g) => /^\d{14}$/.test(g) && isValidGtin(g), codeOf('GTIN_INVALID'))
					),
					codeOf('GTIN_INVALID')
				),
				v.check(unique, codeOf('GTIN_DUPLICATE'))
			),
			volumesMl: v.pipe(
				v.array(
					v.pipe(
						v.number(codeOf('VOLUMES_INVALID')),
						v.finite(codeOf('VOLUMES_INVALID')),
						v.gtValue(0, codeOf('VOLUMES_INVALID')),
						v.maxValue(5, codeOf('VOLUMES_INVALID'))
					),
					codeOf('VOLUMES_INVALID')
				),
				v.minLength(1, codeOf('VOLUMES_INVALID')),
				v.check(unique, codeOf('VOLUMES_INVALID'))
			),
			sites: v.pipe(
				v.array(v.picklist(INJECTION_SITES, codeOf('SITES_INVALID')), codeOf('SITES_INVALID')),
				v.minLength(1, codeOf('SITES_INVALID'))
			),
			routes: v.pipe(
				v.array(v.picklist(ROUTES, codeOf('ROUTES_INVALID')), codeOf('ROUTES_INVALID')),
				v.minLength(1, codeOf('ROUTES_INVALID'))
			),
			maxDoseNumber: doseLimit('MAX_DOSE_INVALID'),
			minIntervalDays: v.record(
				v.pipe(v.string(), v.regex(/^[2-9]$/, codeOf('INTERVALS_INVALID'))),
				v.pipe(
					v.number(codeOf('INTERVALS_INVALID')),
					v.integer(codeOf('INTERVALS_INVALID')),
					v.minValue(0, codeOf('INTERVALS_INVALID')),
					v.maxValue(3650, codeOf('INTERVALS_INVALID'))
				),
				codeOf('INTERVALS_INVALID')
			)
		},
		codeOf('CATALOG_INVALID')
	),
	// Runs as soon as these two fields are valid, whatever else is wrong: a file's line is told
	// every problem at once.
	v.forward(
		v.partialCheck([['maxDoseNumber'], ['minIntervalDays']], (p) => intervalsComplete(p), codeOf('INTERVALS_INVALID')),
		['minIntervalDays']
	)
);

export const VaccineCatalogSchema = v.pipe(
	v.strictObject(
		{
			maxDoseNumber: doseLimit('MAX_DOSE_INVALID'),
			makers: v.record(
				catalogCode('CODE_FORMAT'),
				v.strictObject({ name: catalogName }, codeOf('CATALOG_INVALID')),
				codeOf('CATALOG_INVALID')
			),
			products: v.pipe(v.array(ProductSchema, codeOf('CATALOG_INVALID')), v.minLength(1, codeOf('CATALOG_INVALID')))
		},
		codeOf('CATALOG_INVALID')
	),
	v.check((c) => unique(c.products.map((p) => p.code)), codeOf('PRODUCT_DUPLICATE')),
	v.check((c) => unique(c.products.flatMap((p) => p.gtins)), codeOf('GTIN_TAKEN')),
	v.check((c) => c.products.every((p) => Object.hasOwn(c.makers, p.maker)), codeOf('MAKER_UNKNOWN')),
	v.check((c) => c.products.every((p) => p.maxDoseNumber <= c.maxDoseNumber), codeOf('MAX_DOSE_INVALID'))
);

/** The code an issue of the schemas above carries (CATALOG_INVALID for one they do not name). */
export function catalogIssueCode(issue: { message: string }): CatalogErrorCode {
	return Object.hasOwn(CATALOG_ERROR_MESSAGES, issue.message) ? (issue.message as CatalogErrorCode) : 'CATALOG_INVALID';
}

export type ParseCatalogResult =
	| { ok: true; catalog: VaccineCatalog }
	| { ok: false; errors: { path: string; code: CatalogErrorCode; message: string }[] };

/** Checks a catalog supplied by a deployment (e.g. JSON from its configuration). */
export function parseVaccineCatalog(input: unknown): ParseCatalogResult {
	const result = v.safeParse(VaccineCatalogSchema, input, { abortPipeEarly: true });
	if (result.success) return { ok: true, catalog: result.output };
	return {
		ok: false,
		errors: result.issues.map((i) => {
			const code = catalogIssueCode(i);
			return { path: v.getDotPath(i) ?? '', code, message: CATALOG_ERROR_MESSAGES[code] };
		})
	};
}
