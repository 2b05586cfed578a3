import {
	findProduct,
	isLotUsableOn,
	parseGs1,
	productForGtin,
	type InjectionSite,
	type Route,
	type VaccineCatalog,
	type VaccineProduct
} from '#shared/index';

/**
 * What stays the same for a whole table's shift: who records, which vaccine and lot, dose
 * volume, site, route and the doctors. Chosen once, shown on every confirmation, written into
 * every dose event. The lot comes from scanning the vial or carton (GS1), never typed freely.
 */
export interface RecordingSession {
	product: string;
	maker: string;
	lot: string;
	expiry: string;
	volumeMl: number;
	injectionSite: InjectionSite;
	route: Route;
	screeningDoctor: string;
	vaccinatingDoctor: string;
}

export type LotScan =
	| { ok: true; product: VaccineProduct; lot: string; expiry: string }
	| {
			ok: false;
			code: 'GS1' | 'LOT_MISSING' | 'PRODUCT_UNKNOWN' | 'PRODUCT_MISMATCH' | 'LOT_EXPIRED';
			detail?: string;
	  };

/**
 * Reads a GS1 code from the vial or carton and checks it against the chosen product and today.
 * `catalog`: the station's current vaccine catalogue (the server's, once received; see Station).
 */
export function readLot(raw: string, productCode: string | null, nowIso: string, catalog: VaccineCatalog): LotScan {
	const parsed = parseGs1(raw);
	if (!parsed.ok) return { ok: false, code: 'GS1', detail: parsed.error.message };
	if (!parsed.lot || !parsed.expiry) return { ok: false, code: 'LOT_MISSING' };
	const product = productForGtin(catalog, parsed.gtin);
	if (!product) return { ok: false, code: 'PRODUCT_UNKNOWN' };
	if (productCode && product.code !== productCode) return { ok: false, code: 'PRODUCT_MISMATCH' };
	if (!isLotUsableOn(parsed.expiry, nowIso)) return { ok: false, code: 'LOT_EXPIRED' };
	return { ok: true, product, lot: parsed.lot, expiry: parsed.expiry };
}

export function productOf(session: RecordingSession, catalog: VaccineCatalog): VaccineProduct | undefined {
	return findProduct(catalog, session.product);
}
