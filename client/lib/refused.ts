import type { CurrentRecord } from './records';

/**
 * Refused records still waiting for someone: the server did not take them, so this device holds
 * their only copy, until the dose is recorded again (RefusedRecords.svelte) or in the office.
 * The header counts them at every save: with none refused (the usual day) that is one pass.
 */

/** The standing records the server refused. */
export function refusedRecords(records: readonly CurrentRecord[]): CurrentRecord[] {
	return records.filter((r) => r.state === 'refused' && !r.voided);
}

/**
 * The ids of refused records recorded again: another standing record of the same ticket and
 * dose that the server did not refuse. Not by time: the refusal may come from a clock that ran
 * ahead.
 */
export function recordedAgain(
	records: readonly CurrentRecord[],
	refused: readonly CurrentRecord[] = refusedRecords(records)
): Set<string> {
	if (refused.length === 0) return new Set();
	const wanted = new Set(refused.map(doseKey));
	const standing = new Set<string>();
	for (const o of records) {
		if (o.state === 'refused' || o.voided) continue;
		const key = doseKey(o);
		if (wanted.has(key)) standing.add(key);
	}
	return new Set(refused.filter((r) => standing.has(doseKey(r))).map((r) => r.id));
}

/** How many refused records nobody has recorded again yet. */
export function openRefusals(records: readonly CurrentRecord[]): number {
	const refused = refusedRecords(records);
	return refused.length - recordedAgain(records, refused).size;
}

const doseKey = (r: CurrentRecord) => `${r.record.municipality}:${r.record.ticketNumber}:${r.record.doseNumber}`;
