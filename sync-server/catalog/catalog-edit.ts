import * as v from 'valibot';
import {
	CATALOG_ERROR_MESSAGES,
	catalogIssueCode,
	containsMyNumber,
	isCode,
	isValidGtin,
	parseVaccineCatalog,
	ProductSchema,
	type CatalogErrorCode,
	type VaccineCatalog,
	type VaccineProduct
} from '#shared/index';
import type { CatalogChangeAction } from '#shared/office/catalog-api';

/**
 * Changes to the vaccine catalogue, as pure functions of the current catalogue: a product added
 * or edited, a maker added or renamed. Each returns the whole resulting catalogue, checked with
 * the same schema devices use (parseVaccineCatalog), or a refusal with a stable code that
 * changes nothing. Products are never removed — ledger records name them — but their GTINs,
 * volumes, sites and routes may change (records made under an earlier version stay valid under
 * it: see sync-server/catalog/catalogs.ts).
 */

export type CatalogEditError = { ok: false; code: CatalogErrorCode; message: string; path?: string };
export type CatalogEditResult =
	{ ok: true; catalog: VaccineCatalog; action: CatalogChangeAction; before: unknown } | CatalogEditError;

export { CATALOG_ERROR_MESSAGES, type CatalogErrorCode };

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

/** What a refusal adds to its code's text, by the field it is about. */
function detailOf(path: string, catalog: VaccineCatalog): string | undefined {
	const gtin = /^gtins\.(\d+)$/.exec(path);
	if (gtin) return `${Number(gtin[1]) + 1}つ目`;
	return { code: '製品コード', name: '製品名', maxDoseNumber: `1〜${catalog.maxDoseNumber}` }[path];
}

/**
 * One product's problems with their specific codes, before the whole catalogue is checked: the
 * product schema devices use (shared/domain/vaccines.ts), then what depends on the catalogue
 * around it (its maker, GTINs held by other products, the catalogue's dose limit).
 */
export function productProblems(p: VaccineProduct, catalog: VaccineCatalog): CatalogEditError | null {
	if (containsMyNumber(p)) return refuse('MY_NUMBER');
	// A limit above the catalogue's is named as such, not as the intervals that come with it.
	if (Number.isInteger(p.maxDoseNumber) && p.maxDoseNumber > catalog.maxDoseNumber)
		return refuse('MAX_DOSE_INVALID', `1〜${catalog.maxDoseNumber}`, 'maxDoseNumber');
	const parsed = v.safeParse(ProductSchema, p, { abortPipeEarly: true });
	if (!parsed.success) {
		const issue = parsed.issues[0];
		const path = v.getDotPath(issue) ?? '';
		return refuse(catalogIssueCode(issue), detailOf(path, catalog), path);
	}
	if (!Object.hasOwn(catalog.makers, p.maker)) return refuse('MAKER_UNKNOWN', p.maker, 'maker');
	for (const g of p.gtins) {
		const holder = catalog.products.find((o) => o.code !== p.code && o.gtins.includes(g));
		if (holder) return refuse('GTIN_TAKEN', `${g}: ${holder.name}`, 'gtins');
	}
	return null;
}

/** The whole resulting catalogue through the shared schema; a refusal names the first problem. */
export function checkCatalog(next: VaccineCatalog): { ok: true; catalog: VaccineCatalog } | CatalogEditError {
	const parsed = parseVaccineCatalog(next);
	if (parsed.ok) return parsed;
	const first = parsed.errors[0]!;
	return refuse(first.code, undefined, first.path);
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
		minIntervalDays: Object.fromEntries(
			Object.keys(product.minIntervalDays)
				.map(Number)
				.sort((a, b) => a - b)
				.map((k) => [k, product.minIntervalDays[k]!])
		)
	};
	if (before && canonicalJson(before) === canonicalJson(clean))
		return { ok: true, catalog, action: 'unchanged', before };
	const products =
		index === -1 ? [...catalog.products, clean] : catalog.products.map((p, i) => (i === index ? clean : p));
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
