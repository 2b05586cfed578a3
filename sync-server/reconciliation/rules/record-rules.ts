import { serviceDateOf, ticketDoseAgrees } from '#shared/index';
import { recordFinding, type Finding, type RecordFacts } from './types';

/**
 * Rules about one record on its own: the ticket's 回数 digit, the tenant, the register, the lot.
 * Dates compare by service day (JST), the day the dose was given.
 */
export function recordRules(r: RecordFacts, tenant: string): Finding[] {
	const out: Finding[] = [];
	const day = serviceDateOf(r.givenAt);
	if (day === null) throw new RangeError(`record ${r.recordId}: givenAt is not an ISO timestamp`);

	if (!ticketDoseAgrees(r)) out.push(recordFinding('ticket-dose-mismatch', r, { ticketDose: r.ticketDose }));

	if (r.municipality !== tenant) {
		// Another municipality's ticket: its own list, reported to that municipality. Our
		// register does not hold its tickets, so the register rules do not apply.
		out.push(recordFinding('other-municipality', r, { tenant }));
	} else if (r.register !== undefined) {
		const reg = r.register;
		if (reg === null) out.push(recordFinding('ticket-not-in-register', r, { issued: false }));
		else {
			if (reg.eligibleDoses !== null && !reg.eligibleDoses.includes(r.doseNumber)) {
				out.push(recordFinding('ticket-not-in-register', r, { issued: true, eligibleDoses: reg.eligibleDoses }));
			}
			if (reg.movedOutOn !== null && reg.movedOutOn <= day)
				out.push(recordFinding('holder-moved-out', r, { movedOutOn: reg.movedOutOn, doseDay: day }));
			if (reg.deceasedOn !== null && reg.deceasedOn <= day)
				out.push(recordFinding('holder-deceased', r, { deceasedOn: reg.deceasedOn, doseDay: day }));
		}
	}

	if (r.outcome === 'dose' && r.product !== null && r.lot !== null) {
		if (r.lotMaster === null) {
			const others = r.lotProducts.filter((p) => p !== r.product);
			if (others.length > 0)
				out.push(recordFinding('lot-wrong-product', r, { lot: r.lot, product: r.product, lotProducts: others }));
			else out.push(recordFinding('lot-unknown', r, { lot: r.lot, product: r.product }));
		} else {
			if (r.lotMaster.expiry < day)
				out.push(recordFinding('lot-expired', r, { lot: r.lot, expiry: r.lotMaster.expiry, doseDay: day }));
			if (!r.lotMaster.sites.includes(r.siteCode))
				out.push(recordFinding('lot-not-delivered', r, { lot: r.lot, siteCode: r.siteCode, sites: r.lotMaster.sites }));
		}
	}
	return out;
}
