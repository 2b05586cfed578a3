import { doseSequenceProblem, serviceDateOf, type VaccineCatalog } from '#shared/index';
import { recordFinding, type Finding, type RecordFacts } from './types';

/**
 * Rules across the records of one ticket (all of a ticket's active records, from any batch):
 * the same ticket and dose recorded twice anywhere; dose n dated before dose n−1, or closer to
 * it than the product's minimum interval. Only vaccinated records count: a screening without a
 * dose (接種不適当) is neither a duplicate nor a previous dose.
 */
const doseKey = (municipality: string, ticketNumber: string, doseNumber: number) =>
	`${municipality}/${ticketNumber}/${doseNumber}`;

export function ticketRules(records: readonly RecordFacts[], catalog: VaccineCatalog): Finding[] {
	const out: Finding[] = [];
	const doses = records.filter((r) => r.outcome === 'dose');
	const byKey = new Map<string, RecordFacts[]>();
	for (const r of doses) {
		const key = doseKey(r.municipality, r.ticketNumber, r.doseNumber);
		const group = byKey.get(key);
		if (group) group.push(r);
		else byKey.set(key, [r]);
	}
	for (const group of byKey.values()) {
		if (group.length < 2) continue;
		// A few of the other records name the group; the count says how big it is (a ticket
		// recorded by hundreds of devices must not make every item carry hundreds of ids). The
		// first six hold any record's five others, so naming them stays linear in the group.
		const head = group.slice(0, 6);
		for (const r of group) {
			const others = head.filter((o) => o !== r).slice(0, 5);
			out.push(recordFinding('duplicate', r, { records: group.length, others: others.map((o) => o.recordId) }));
		}
	}
	for (const next of doses) {
		if (next.doseNumber < 2 || next.product === null) continue;
		const previous = byKey.get(doseKey(next.municipality, next.ticketNumber, next.doseNumber - 1)) ?? [];
		if (previous.length === 0) continue; // dose n−1 may have been given elsewhere (another system)
		// Against the latest dose n−1 on record: the strictest comparison when there are several.
		const latest = previous.reduce((a, b) => (serviceDateOf(a.givenAt)! >= serviceDateOf(b.givenAt)! ? a : b));
		const problem = doseSequenceProblem(
			latest,
			{ givenAt: next.givenAt, doseNumber: next.doseNumber, product: next.product },
			catalog
		);
		const details = {
			previousRecordId: latest.recordId,
			previousDay: serviceDateOf(latest.givenAt),
			doseDay: serviceDateOf(next.givenAt)
		};
		if (problem === 'DOSE_BEFORE_PREVIOUS') out.push(recordFinding('dose-out-of-order', next, details));
		else if (problem === 'DOSE_INTERVAL_TOO_SHORT') out.push(recordFinding('interval-too-short', next, details));
	}
	return out;
}
