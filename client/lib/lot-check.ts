import type { LotEntry } from '#shared/protocol/messages';

/**
 * What the station can tell is wrong with the day's lot from the lot master it holds (the lots
 * delivered to its site, pushed by the server). The office queue checks the same against the
 * whole master; the station only warns, and the operator confirms to go on: a delivery that the
 * office has not entered yet must not stop a venue.
 *
 * LOT_NOT_DELIVERED: no lot of that number among this site's lots (not in the master, or
 * delivered to another site: the station holds only its own site's lots, so it cannot tell which).
 * LOT_OTHER_PRODUCT: the number is this site's lot of another product (scanned under this
 * product's GTIN, or the product chosen wrong).
 * LOT_EXPIRY_DIFFERS: the lot is known but the expiry read from the vial differs from the master's.
 */
export type LotWarning = 'LOT_NOT_DELIVERED' | 'LOT_OTHER_PRODUCT' | 'LOT_EXPIRY_DIFFERS';

export function lotWarnings(
	chosen: { product: string; lot: string; expiry: string },
	lots: readonly LotEntry[]
): LotWarning[] {
	// No lot master held (never connected, or the office keeps none): nothing to compare with.
	if (lots.length === 0) return [];
	const same = lots.filter((l) => l.lot === chosen.lot);
	const mine = same.find((l) => l.product === chosen.product);
	if (mine) return mine.expiry === chosen.expiry ? [] : ['LOT_EXPIRY_DIFFERS'];
	return same.length > 0 ? ['LOT_OTHER_PRODUCT'] : ['LOT_NOT_DELIVERED'];
}
