import { describe, expect, it } from 'vitest';
import { parseGs1 } from './gs1';
import {
	DEFAULT_VACCINE_CATALOG,
	DOSE_NUMBER_LIMIT,
	findProduct,
	INJECTION_SITE_LABELS,
	INJECTION_SITES,
	minIntervalDays,
	parseVaccineCatalog,
	CATALOG_ERROR_MESSAGES,
	productForGtin,
	ROUTE_LABELS,
	ROUTES,
	type VaccineCatalog
} from './vaccines';

/** A product as plain JSON that a test may break in any way (wrong values, unknown fields). */
type LooseProduct = {
	[field: string]: unknown;
	code: string;
	maker: string;
	gtins: string[];
	volumesMl: number[];
	sites: string[];
	routes: string[];
	maxDoseNumber: number;
	minIntervalDays: Record<string, number>;
};
/** A deep copy of the default catalog that a test may change (it has at least two products). */
const editable = (): Omit<VaccineCatalog, 'products' | 'maxDoseNumber'> & {
	maxDoseNumber: number;
	products: [LooseProduct, LooseProduct, ...LooseProduct[]];
} => JSON.parse(JSON.stringify(DEFAULT_VACCINE_CATALOG));

describe('vaccine catalog', () => {
	it('the default catalog passes its own schema', () => {
		expect(parseVaccineCatalog(DEFAULT_VACCINE_CATALOG)).toEqual({ ok: true, catalog: DEFAULT_VACCINE_CATALOG });
	});

	it('the dose-number limit is 6 and every product stays within it', () => {
		expect(DOSE_NUMBER_LIMIT).toBe(6);
		expect(DEFAULT_VACCINE_CATALOG.maxDoseNumber).toBe(DOSE_NUMBER_LIMIT);
		for (const p of DEFAULT_VACCINE_CATALOG.products) expect(p.maxDoseNumber).toBeLessThanOrEqual(DOSE_NUMBER_LIMIT);
	});

	it('has a Japanese label for every site and route', () => {
		expect(Object.keys(INJECTION_SITE_LABELS).sort()).toEqual([...INJECTION_SITES].sort());
		expect(Object.keys(ROUTE_LABELS).sort()).toEqual([...ROUTES].sort());
	});

	it('resolves every configured GTIN, scanned as GS1 DataBar, to its product', () => {
		for (const product of DEFAULT_VACCINE_CATALOG.products) {
			for (const gtin of product.gtins) {
				const scan = parseGs1(`]e001${gtin}17270331` + '10LOT1', { referenceYear: 2025 });
				expect(scan.ok && productForGtin(DEFAULT_VACCINE_CATALOG, scan.gtin)?.code).toBe(product.code);
			}
		}
		expect(productForGtin(DEFAULT_VACCINE_CATALOG, '09520123456788')).toBeUndefined();
	});

	it('finds products by code', () => {
		expect(findProduct(DEFAULT_VACCINE_CATALOG, 'spikevax')?.maker).toBe('moderna');
		expect(findProduct(DEFAULT_VACCINE_CATALOG, 'nope')).toBeUndefined();
	});

	it('gives the minimum interval before each dose', () => {
		const comirnaty = findProduct(DEFAULT_VACCINE_CATALOG, 'comirnaty')!;
		expect(minIntervalDays(comirnaty, 1)).toBe(0);
		expect(minIntervalDays(comirnaty, 2)).toBe(21);
		expect(minIntervalDays(comirnaty, 3)).toBe(90);
		expect(minIntervalDays(comirnaty, 6)).toBe(90);
		expect(minIntervalDays(findProduct(DEFAULT_VACCINE_CATALOG, 'spikevax')!, 2)).toBe(28);
		expect(() => minIntervalDays(comirnaty, 7)).toThrow(RangeError);
	});

	it('accepts a deployment catalog with a higher limit', () => {
		const c = editable();
		c.maxDoseNumber = 7;
		c.products[0].maxDoseNumber = 7;
		c.products[0].minIntervalDays['7'] = 90;
		expect(parseVaccineCatalog(c).ok).toBe(true);
	});

	const broken: [string, (c: ReturnType<typeof editable>) => void][] = [
		['a duplicate product code', (c) => (c.products[1].code = c.products[0].code)],
		['a GTIN on two products', (c) => c.products[1].gtins.push(c.products[0].gtins[0]!)],
		['a GTIN with a wrong check digit', (c) => (c.products[0].gtins[0] = '09520000001011')],
		['a GTIN-13', (c) => (c.products[0].gtins[0] = '4901234567894')],
		['an unknown maker', (c) => (c.products[0].maker = 'acme')],
		['a product limit above the catalog limit', (c) => (c.products[0].maxDoseNumber = 7)],
		['a missing interval', (c) => delete c.products[0].minIntervalDays['4']],
		['an interval for dose 1', (c) => (c.products[0].minIntervalDays['1'] = 0)],
		['a zero volume', (c) => (c.products[0].volumesMl = [0])],
		['no volumes', (c) => (c.products[0].volumesMl = [])],
		['an unknown site', (c) => (c.products[0].sites = ['left-ear'])],
		['an unknown route', (c) => (c.products[0].routes = ['oral'])],
		['an unknown field', (c) => (c.products[0].colour = 'blue')],
		['no products', (c) => (c.products.length = 0)]
	];
	it.each(broken)('refuses a catalog with %s', (_, change) => {
		const c = editable();
		change(c);
		const r = parseVaccineCatalog(c);
		expect(r.ok).toBe(false);
		if (!r.ok) for (const e of r.errors) expect(e.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
	});

	// The schema carries the code of each rule, so the office's form, the product CSV and the
	// device's check of a pushed catalogue refuse with the same code and text.
	const coded: [string, (c: ReturnType<typeof editable>) => void, string][] = [
		['a duplicate product code', (c) => (c.products[1].code = c.products[0].code), 'PRODUCT_DUPLICATE'],
		['a GTIN on two products', (c) => c.products[1].gtins.push(c.products[0].gtins[0]!), 'GTIN_TAKEN'],
		['a GTIN twice on one product', (c) => c.products[0].gtins.push(c.products[0].gtins[0]!), 'GTIN_DUPLICATE'],
		['a GTIN with a wrong check digit', (c) => (c.products[0].gtins[0] = '09520000001011'), 'GTIN_INVALID'],
		['an unknown maker', (c) => (c.products[0].maker = 'acme'), 'MAKER_UNKNOWN'],
		['a product limit above the catalog limit', (c) => (c.products[0].maxDoseNumber = 7), 'INTERVALS_INVALID'],
		['a missing interval', (c) => delete c.products[0].minIntervalDays['4'], 'INTERVALS_INVALID'],
		['the same volume twice', (c) => (c.products[0].volumesMl = [0.3, 0.3]), 'VOLUMES_INVALID'],
		['an unknown site', (c) => (c.products[0].sites = ['left-ear']), 'SITES_INVALID'],
		['an unknown route', (c) => (c.products[0].routes = ['oral']), 'ROUTES_INVALID'],
		['a blank name', (c) => (c.products[0].name = '  '), 'NAME_REQUIRED'],
		['a code with a space', (c) => (c.products[0].code = 'a b'), 'CODE_FORMAT'],
		['an unknown field', (c) => (c.products[0].colour = 'blue'), 'CATALOG_INVALID']
	];
	it.each(coded)('names %s by its code', (_, change, code) => {
		const c = editable();
		change(c);
		const r = parseVaccineCatalog(c);
		expect(r.ok ? null : r.errors[0]).toMatchObject({
			code,
			message: CATALOG_ERROR_MESSAGES[code as keyof typeof CATALOG_ERROR_MESSAGES]
		});
	});
});
