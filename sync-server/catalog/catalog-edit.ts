import { containsMyNumber, isCode, isValidGtin, parseVaccineCatalog, type VaccineCatalog, type VaccineProduct } from '../../shared/index';
import type { CatalogChangeAction } from '../../shared/office/catalog-api';

/**
 * Changes to the vaccine catalogue, as pure functions of the current catalogue: a product added
 * or edited, a maker added or renamed. Each returns the whole resulting catalogue, checked with
 * the same schema devices use (parseVaccineCatalog), or a refusal with a stable code that
 * changes nothing. Products are never removed — ledger records name them — but their GTINs,
 * volumes, sites and routes may change (records made under an earlier version stay valid under
 * it: see sync-server/catalog/catalogs.ts).
 */

export type CatalogEditError = { ok: false; code: CatalogErrorCode; message: string; path?: string };
export type CatalogEditResult = { ok: true; catalog: VaccineCatalog; action: CatalogChangeAction; before: unknown } | CatalogEditError;

export const CATALOG_ERROR_MESSAGES = {
	MY_NUMBER: '個人番号（マイナンバー）と思われる数字が含まれています。保存できません。',
	CODE_FORMAT: 'コードは英数字と _ - の20文字以内です。',
	NAME_REQUIRED: '名称を入力してください（100文字以内）。',
	MAKER_UNKNOWN: '製造販売業者が登録されていません。先に製造販売業者を登録してください。',
	GTIN_INVALID: 'GTINが正しくありません（13桁または14桁、検査数字を確認してください）。',
	GTIN_DUPLICATE: '同じGTINが2回入力されています。',
	GTIN_TAKEN: 'このGTINは別の製品に登録されています。',
	VOLUMES_INVALID: '接種量（mL）は0より大きく5以下の数値を1つ以上入力してください。',
	SITES_INVALID: '接種部位を1つ以上選んでください。',
	ROUTES_INVALID: '接種方法を1つ以上選んでください。',
	MAX_DOSE_INVALID: '最大接種回数が範囲外です。',
	INTERVALS_INVALID: '接種間隔（日）は2回目から最大接種回数まで、0〜3650の整数ですべて入力してください。',
	CATALOG_INVALID: 'ワクチン製品の設定として正しくありません。'
} as const;
export type CatalogErrorCode = keyof typeof CATALOG_ERROR_MESSAGES;

const refuse = (code: CatalogErrorCode, detail?: string, path?: string): CatalogEditError => ({
	ok: false,
	code,
	message: detail ? `${CATALOG_ERROR_MESSAGES[code]}（${detail}）` : CATALOG_ERROR_MESSAGES[code],
	...(path !== undefined ? { path } : {})
});


/** A scanned or typed GTIN-13 or GTIN-14 as the catalogue's GTIN-14; null if not one. */
export function normaliseGtin(value: string): string | null {
	const digits = value.trim();
	if (!/^\d{13,14}$/.test(digits) || !isValidGtin(digits)) return null;
	return digits.padStart(14, '0');
}

/** JSON with sorted keys, to tell an unchanged catalogue or product. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const o = value as Record<string, unknown>;
		return `{${Object.keys(o)
			.sort()
			.filter((k) => o[k] !== undefined)
			.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value);
}

/** Field checks of one product with their specific codes (before the whole catalogue is checked). */
export function productProblems(p: VaccineProduct, catalog: VaccineCatalog): CatalogEditError | null {
	if (containsMyNumber(p)) return refuse('MY_NUMBER');
	if (!isCode(p.code)) return refuse('CODE_FORMAT', '製品コード', 'code');
	if (typeof p.name !== 'string' || p.name.trim() === '' || p.name.length > 100) return refuse('NAME_REQUIRED', '製品名', 'name');
	if (typeof p.maker !== 'string' || !Object.hasOwn(catalog.makers, p.maker)) return refuse('MAKER_UNKNOWN', String(p.maker).slice(0, 20), 'maker');
	if (!Array.isArray(p.gtins)) return refuse('GTIN_INVALID', undefined, 'gtins');
	for (const [i, g] of p.gtins.entries()) if (typeof g !== 'string' || !/^\d{14}$/.test(g) || !isValidGtin(g)) return refuse('GTIN_INVALID', `${i + 1}つ目`, `gtins.${i}`);
	if (new Set(p.gtins).size !== p.gtins.length) return refuse('GTIN_DUPLICATE', undefined, 'gtins');
	for (const g of p.gtins) {
		const holder = catalog.products.find((o) => o.code !== p.code && o.gtins.includes(g));
		if (holder) return refuse('GTIN_TAKEN', `${g}: ${holder.name}`, 'gtins');
	}
	const volumeOk = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0 && n <= 5;
	if (!Array.isArray(p.volumesMl) || p.volumesMl.length === 0 || !p.volumesMl.every(volumeOk) || new Set(p.volumesMl).size !== p.volumesMl.length) return refuse('VOLUMES_INVALID', undefined, 'volumesMl');
	if (!Array.isArray(p.sites) || p.sites.length === 0) return refuse('SITES_INVALID', undefined, 'sites');
	if (!Array.isArray(p.routes) || p.routes.length === 0) return refuse('ROUTES_INVALID', undefined, 'routes');
	if (!Number.isInteger(p.maxDoseNumber) || p.maxDoseNumber < 1 || p.maxDoseNumber > catalog.maxDoseNumber) {
		return refuse('MAX_DOSE_INVALID', `1〜${catalog.maxDoseNumber}`, 'maxDoseNumber');
	}
	const intervals = p.minIntervalDays;
	if (intervals === null || typeof intervals !== 'object' || Array.isArray(intervals)) return refuse('INTERVALS_INVALID', undefined, 'minIntervalDays');
	const keys = Object.keys(intervals).map(Number).sort((a, b) => a - b);
	const expected = Array.from({ length: p.maxDoseNumber - 1 }, (_, i) => i + 2);
	const valuesOk = Object.values(intervals).every((d) => Number.isInteger(d) && d >= 0 && d <= 3650);
	if (!valuesOk || keys.length !== expected.length || !keys.every((k, i) => k === expected[i])) return refuse('INTERVALS_INVALID', undefined, 'minIntervalDays');
	return null;
}

/** The whole resulting catalogue through the shared schema; a refusal names the first problem. */
export function checkCatalog(next: VaccineCatalog): { ok: true; catalog: VaccineCatalog } | CatalogEditError {
	const parsed = parseVaccineCatalog(next);
	if (parsed.ok) return parsed;
	const first = parsed.errors[0]!;
	const path = first.path;
	const code: CatalogErrorCode = /\.gtins/.test(path)
		? 'GTIN_INVALID'
		: /\.sites/.test(path)
			? 'SITES_INVALID'
			: /\.routes/.test(path)
				? 'ROUTES_INVALID'
				: /\.volumesMl/.test(path)
					? 'VOLUMES_INVALID'
					: /\.minIntervalDays/.test(path)
						? 'INTERVALS_INVALID'
						: /\.name$/.test(path)
							? 'NAME_REQUIRED'
							: /\.(code|maker)$|^makers\./.test(path)
								? 'CODE_FORMAT'
								: 'CATALOG_INVALID';
	return refuse(code, first.message, path);
}

/** Adds a product (new code) or replaces the one with its code; never removes one. */
export function putProduct(catalog: VaccineCatalog, product: VaccineProduct): CatalogEditResult {
	const problem = productProblems(product, catalog);
	if (problem) return problem;
	const index = catalog.products.findIndex((p) => p.code === product.code);
	const before = index === -1 ? null : catalog.products[index]!;
	const clean: VaccineProduct = {
		code: product.code,
		name: product.name.trim(),
		maker: product.maker,
		gtins: [...product.gtins],
		volumesMl: [...product.volumesMl],
		sites: [...product.sites],
		routes: [...product.routes],
		maxDoseNumber: product.maxDoseNumber,
		minIntervalDays: Object.fromEntries(Object.keys(product.minIntervalDays).map(Number).sort((a, b) => a - b).map((k) => [k, product.minIntervalDays[k]!]))
	};
	if (before && canonicalJson(before) === canonicalJson(clean)) return { ok: true, catalog, action: 'unchanged', before };
	const products = index === -1 ? [...catalog.products, clean] : catalog.products.map((p, i) => (i === index ? clean : p));
	const result = checkCatalog({ ...catalog, products });
	if (!result.ok) return result;
	return { ok: true, catalog: result.catalog, action: index === -1 ? 'insert' : 'update', before };
}

/** Adds a maker or renames one (its code stays: products and records name it). */
export function putMaker(catalog: VaccineCatalog, maker: { code: string; name: string }): CatalogEditResult {
	if (containsMyNumber(maker)) return refuse('MY_NUMBER');
	if (!isCode(maker.code)) return refuse('CODE_FORMAT', '製造販売業者コード', 'code');
	const name = typeof maker.name === 'string' ? maker.name.trim() : '';
	if (name === '' || name.length > 100) return refuse('NAME_REQUIRED', '製造販売業者名', 'name');
	const before = catalog.makers[maker.code] ?? null;
	if (before?.name === name) return { ok: true, catalog, action: 'unchanged', before };
	const result = checkCatalog({ ...catalog, makers: { ...catalog.makers, [maker.code]: { name } } });
	if (!result.ok) return result;
	return { ok: true, catalog: result.catalog, action: before ? 'update' : 'insert', before };
}
