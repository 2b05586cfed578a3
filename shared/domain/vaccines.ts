import * as v from 'valibot';
import { Code } from './codes';
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

const code = Code;
const doseLimit = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9));

const ProductSchema = v.strictObject({
	code,
	name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
	maker: code,
	gtins: v.array(v.pipe(v.string(), v.check((g) => /^\d{14}$/.test(g) && isValidGtin(g), 'GTINは検査数字の正しい14桁です'))),
	volumesMl: v.pipe(v.array(v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(5))), v.minLength(1)),
	sites: v.pipe(v.array(v.picklist(INJECTION_SITES)), v.minLength(1)),
	routes: v.pipe(v.array(v.picklist(ROUTES)), v.minLength(1)),
	maxDoseNumber: doseLimit,
	minIntervalDays: v.record(
		v.pipe(v.string(), v.regex(/^[2-9]$/)),
		v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3650))
	)
});

export const VaccineCatalogSchema = v.pipe(
	v.strictObject({
		maxDoseNumber: doseLimit,
		makers: v.record(code, v.strictObject({ name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)) })),
		products: v.pipe(v.array(ProductSchema), v.minLength(1))
	}),
	v.check((c) => new Set(c.products.map((p) => p.code)).size === c.products.length, '製品コードが重複しています'),
	v.check((c) => {
		const all = c.products.flatMap((p) => p.gtins);
		return new Set(all).size === all.length;
	}, 'GTINが複数の製品に登録されています'),
	v.check((c) => c.products.every((p) => Object.hasOwn(c.makers, p.maker)), '製造販売業者が登録されていません'),
	v.check((c) => c.products.every((p) => p.maxDoseNumber <= c.maxDoseNumber), '製品の最大接種回数が全体の上限を超えています'),
	v.check(
		(c) =>
			c.products.every((p) => {
				const keys = Object.keys(p.minIntervalDays).map(Number).sort((a, b) => a - b);
				const expected = Array.from({ length: p.maxDoseNumber - 1 }, (_, i) => i + 2);
				return keys.length === expected.length && keys.every((k, i) => k === expected[i]);
			}),
		'接種間隔は2回目から最大接種回数まですべて設定してください'
	)
);

export type ParseCatalogResult = { ok: true; catalog: VaccineCatalog } | { ok: false; errors: { path: string; message: string }[] };

/** Checks a catalog supplied by a deployment (e.g. JSON from its configuration). */
export function parseVaccineCatalog(input: unknown): ParseCatalogResult {
	const result = v.safeParse(VaccineCatalogSchema, input, {
		abortPipeEarly: true,
		message: () => '設定値が正しくありません'
	});
	if (result.success) return { ok: true, catalog: result.output };
	return { ok: false, errors: result.issues.map((i) => ({ path: v.getDotPath(i) ?? '', message: i.message })) };
}
