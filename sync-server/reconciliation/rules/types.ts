import type { Reason } from '#shared/office/reconciliation';

/** What the rules know about one active record (current version), loaded by facts.ts. */
export interface RecordFacts {
	recordId: string;
	/** The current version's event id: findings about a record are about this version. */
	currentEventId: string;
	batchId: string;
	outcome: 'dose' | 'not-vaccinated';
	municipality: string;
	ticketNumber: string;
	doseNumber: number;
	/** 回数 digit printed on the ticket; null when read from NW-7. */
	ticketDose: number | null;
	/** ISO timestamp as recorded (with its offset). */
	givenAt: string;
	siteCode: string;
	product: string | null;
	lot: string | null;
	/** The register row of the ticket; undefined when the register is not in use (nothing imported). */
	register?: RegisterFacts | null;
	/** The lot master row of (product, lot); null when there is none. */
	lotMaster: { expiry: string; sites: readonly string[] } | null;
	/** Products the lot number is registered for (to tell "wrong product" from "unknown"). */
	lotProducts: readonly string[];
}

export interface RegisterFacts {
	eligibleDoses: readonly number[] | null;
	movedOutOn: string | null;
	deceasedOn: string | null;
}

/** A rule's finding, keyed by (reason, subject): the same finding found again is not new. */
export interface Finding {
	reason: Reason;
	subject: string;
	batchId: string;
	recordId: string | null;
	eventId: string | null;
	municipality: string | null;
	ticketNumber: string | null;
	doseNumber: number | null;
	details: Record<string, unknown>;
}

export function recordFinding(reason: Reason, r: RecordFacts, details: Record<string, unknown> = {}): Finding {
	return {
		reason,
		subject: r.currentEventId,
		batchId: r.batchId,
		recordId: r.recordId,
		eventId: r.currentEventId,
		municipality: r.municipality,
		ticketNumber: r.ticketNumber,
		doseNumber: r.doseNumber,
		details
	};
}

/** A finding about a whole batch (its tally, a refusal, late events): no record, ticket or dose of its own. */
export function batchFinding(
	reason: Reason,
	subject: string,
	batchId: string,
	eventId: string | null,
	details: Record<string, unknown>
): Finding {
	return {
		reason,
		subject,
		batchId,
		recordId: null,
		eventId,
		municipality: null,
		ticketNumber: null,
		doseNumber: null,
		details
	};
}
