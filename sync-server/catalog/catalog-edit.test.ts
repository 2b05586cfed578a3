import { describe, expect, it } from 'vitest';
import { DEFAULT_VACCINE_CATALOG, findProduct, parseVaccineCatalog, type VaccineProduct } from '#shared/index';
import { normaliseGtin, putMaker, putProduct } from './catalog-edit';

const comirnaty = findProduct(DEFAULT_VACCINE_CATALOG, 'comirnaty')!;
const NEW_GTIN = '09520000009014';

const product = (over: Partial<VaccineProduct> = {}): VaccineProduct => ({
	code: 'newvax',
	name: '新ワクチン筋注',
	maker: 'takeda',
	gtins: [NEW_GTIN],
	volumesMl: [0.5],
	sites: ['left-deltoid'],
	routes: ['intramuscular'],
	maxDoseNumber: 3,
	minIntervalDays: { 2: 21, 3: 90 },
	...over
});

describe('catalogue edits', () => {
	it('adds a product, edits one (GTIN added and removed), and tells an unchanged one', () => {
		const added = putProduct(DEFAULT_VACCINE_CATALOG, product());
		expect(added).toMatchObject({ ok: true, action: 'insert', before: null });
		if (!added.ok) return;
		expect(parseVaccineCatalog(added.catalog).ok).toBe(true);
		expect(added.catalog.products.map((p) => p.code)).toEqual([
			...DEFAULT_VACCINE_CATALOG.products.map((p) => p.code),
			'newvax'
		]);

		const edited = putProduct(added.catalog, {
			...comirnaty,
			gtins: ['09520000001018', NEW_GTIN.replace('9014', '9021')]
		});
		expect(edited).toMatchObject({ ok: true, action: 'update' });
		if (!edited.ok) return;
		expect(findProduct(edited.catalog, 'comirnaty')!.gtins).toEqual(['09520000001018', '09520000009021']);
		expect(putProduct(edited.catalog, findProduct(edited.catalog, 'comirnaty')!)).toMatchObject({
			ok: true,
			action: 'unchanged'
		});
		// The input catalogue is never modified.
		expect(findProduct(DEFAULT_VACCINE_CATALOG, 'comirnaty')!.gtins).toEqual(['09520000001018', '09520000001025']);
	});

	it.each<[string, Partial<VaccineProduct>, string]>([
		['a bad check digit', { gtins: ['09520000009015'] }, 'GTIN_INVALID'],
		['a GTIN twice', { gtins: [NEW_GTIN, NEW_GTIN] }, 'GTIN_DUPLICATE'],
		["another product's GTIN", { gtins: ['09520000001018'] }, 'GTIN_TAKEN'],
		['an unknown maker', { maker: 'nobody' }, 'MAKER_UNKNOWN'],
		['a bad code', { code: 'new vax!' }, 'CODE_FORMAT'],
		['an empty name', { name: '  ' }, 'NAME_REQUIRED'],
		['no volume', { volumesMl: [] }, 'VOLUMES_INVALID'],
		['a volume of 0', { volumesMl: [0] }, 'VOLUMES_INVALID'],
		['no site', { sites: [] }, 'SITES_INVALID'],
		['an unknown site', { sites: ['left-ear' as never] }, 'SITES_INVALID'],
		['no route', { routes: [] }, 'ROUTES_INVALID'],
		[
			'max dose above the catalogue limit',
			{ maxDoseNumber: 7, minIntervalDays: { 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 } },
			'MAX_DOSE_INVALID'
		],
		['an interval missing', { minIntervalDays: { 2: 21 } }, 'INTERVALS_INVALID'],
		['a negative interval', { minIntervalDays: { 2: -1, 3: 90 } }, 'INTERVALS_INVALID'],
		['a My Number in the name', { name: '新ワクチン 123456789018' }, 'MY_NUMBER']
	])('refuses %s with its code', (_name, over, code) => {
		expect(putProduct(DEFAULT_VACCINE_CATALOG, product(over))).toMatchObject({ ok: false, code });
	});

	it('adds and renames makers, refusing bad codes, empty names and My Numbers', () => {
		const added = putMaker(DEFAULT_VACCINE_CATALOG, { code: 'kmb', name: 'KMバイオロジクス' });
		expect(added).toMatchObject({ ok: true, action: 'insert' });
		if (!added.ok) return;
		expect(added.catalog.makers['kmb']).toEqual({ name: 'KMバイオロジクス' });
		expect(putMaker(added.catalog, { code: 'kmb', name: 'KM バイオロジクス株式会社' })).toMatchObject({
			ok: true,
			action: 'update'
		});
		expect(putMaker(added.catalog, { code: 'kmb', name: 'KMバイオロジクス' })).toMatchObject({
			ok: true,
			action: 'unchanged'
		});
		expect(putMaker(added.catalog, { code: 'k m', name: 'x' })).toMatchObject({ ok: false, code: 'CODE_FORMAT' });
		expect(putMaker(added.catalog, { code: 'kmb', name: ' ' })).toMatchObject({ ok: false, code: 'NAME_REQUIRED' });
		expect(putMaker(added.catalog, { code: 'kmb', name: '123456789018' })).toMatchObject({
			ok: false,
			code: 'MY_NUMBER'
		});
	});

	it('reads GTIN-13 and GTIN-14 with their check digit', () => {
		expect(normaliseGtin('9520000009014')).toBe(NEW_GTIN);
		expect(normaliseGtin(NEW_GTIN)).toBe(NEW_GTIN);
		expect(normaliseGtin('09520000009015')).toBeNull();
		expect(normaliseGtin('12345678')).toBeNull();
	});
});
