import { daysBetween, serviceDateOf } from './dates';
import { DEFAULT_VACCINE_CATALOG, findProduct, minIntervalDays, type VaccineCatalog } from './vaccines';

/**
 * Rules that need more than one event (a person's earlier dose) or a decision by a person (a
 * ticket whose 回数 digit disagrees). They never make an event invalid: the venue warns, the back
 * office puts the record in its review queue. Dates compare by service day (JST).
 */

export type DoseSequenceProblem =
	'DOSE_BEFORE_PREVIOUS' | 'DOSE_INTERVAL_TOO_SHORT' | 'PRODUCT_UNKNOWN' | 'DOSE_NUMBER_NOT_ALLOWED';

export interface DoseInSequence {
	givenAt: string;
	doseNumber: number;
	/** Product code of the vaccine given. */
	product: string;
}

/**
 * Checks dose n against dose n−1 of the same person: it must not be dated before it, and at
 * least the product's minimum interval (in days, by the product of dose n) must lie between.
 */
export function doseSequenceProblem(
	previous: { givenAt: string },
	next: DoseInSequence,
	catalog: VaccineCatalog = DEFAULT_VACCINE_CATALOG
): DoseSequenceProblem | null {
	const from = serviceDateOf(previous.givenAt);
	const to = serviceDateOf(next.givenAt);
	if (from === null || to === null) throw new RangeError('givenAt must be an ISO timestamp');
	const days = daysBetween(from, to);
	if (days < 0) return 'DOSE_BEFORE_PREVIOUS';
	const product = findProduct(catalog, next.product);
	if (!product) return 'PRODUCT_UNKNOWN';
	if (next.doseNumber > product.maxDoseNumber) return 'DOSE_NUMBER_NOT_ALLOWED';
	return days < minIntervalDays(product, next.doseNumber) ? 'DOSE_INTERVAL_TOO_SHORT' : null;
}

/** The ticket's 回数 digit, when it has one, agrees with the dose number recorded. */
export function ticketDoseAgrees(record: { ticketDose: number | null; doseNumber: number }): boolean {
	return record.ticketDose === null || record.ticketDose === record.doseNumber;
}

/** A lot with this expiry (YYYY-MM-DD) may be used for a dose given at this timestamp. */
export function isLotUsableOn(expiry: string, givenAt: string): boolean {
	const day = serviceDateOf(givenAt);
	if (day === null) throw new RangeError('givenAt must be an ISO timestamp');
	return expiry >= day;
}
