import { batchFinding, type Finding } from './types';

export interface BatchCloseFacts {
	batchId: string;
	/**
	 * The batch-close event in force: the device's own (the latest it recorded) if one arrived,
	 * else the office's close on its behalf (see reconciliation/office-close.ts).
	 */
	closeEventId: string;
	paperTally: number;
	/** Active records of the batch (doses and 接種不適当): each had a paper 予診票. */
	activeRecords: number;
}

/**
 * The station's paper 予診票 tally at close equals the number of its batch's active records.
 * Per batch (one device × site × day): each station counts the forms it handled when it closes
 * its day. The subject includes the count, so an accepted mismatch is asked again when the
 * count changes.
 */
export function tallyRule(b: BatchCloseFacts): Finding[] {
	if (b.paperTally === b.activeRecords) return [];
	return [
		batchFinding('tally-mismatch', `${b.closeEventId}:${b.activeRecords}`, b.batchId, b.closeEventId, {
			paperTally: b.paperTally,
			records: b.activeRecords
		})
	];
}

export interface LateAfterCloseFacts {
	batchId: string;
	/** The office's close of the batch on its device's behalf. */
	closeEventId: string;
	/** Device records, corrections and voids stored after that close. */
	lateEvents: number;
	/** Of them, new records (doses and 接種不適当). */
	newRecords: number;
}

/**
 * The office closed the batch for its device (lost, broken), and the device sent records,
 * corrections or voids afterwards: they are accepted (a dose is never refused for arriving
 * late), and a person looks at the batch again before it is checked, approved and exported (the
 * run takes it back to 'received'). The subject includes the count, so more late events ask again.
 */
export function lateAfterCloseRule(b: LateAfterCloseFacts): Finding[] {
	if (b.lateEvents === 0) return [];
	return [
		batchFinding('late-after-close', `${b.closeEventId}:late:${b.lateEvents}`, b.batchId, b.closeEventId, {
			lateEvents: b.lateEvents,
			newRecords: b.newRecords
		})
	];
}

export interface RefusedUpdateFacts {
	id: number;
	batchId: string;
	code: string;
	eventIds: readonly string[];
	/** The refused events kept with it (ledger/refused-events.ts); none for a refusal of a whole update, or one logged before they were kept. */
	events?: readonly RefusedEventFacts[];
}

export interface RefusedEventFacts {
	/** refused_events.id */
	id: number;
	eventId: string;
	/** Why this event was refused (the update's code is its first refused event's). */
	code: string;
	municipality: string | null;
	ticketNumber: string | null;
	doseNumber: number | null;
	lot: string | null;
	givenAt: string | null;
	withheld: 'my-number' | 'too-large' | null;
	/** Where a My Number was (a field path), never what. */
	myNumberField: string | null;
	problems: readonly { code: string; path: string; message: string }[];
}

/**
 * Every update the server refused is looked at by a person: its events are not in the ledger.
 * A refused event kept with its content is an item of its own (one refused record, which the
 * office records again or dismisses), keyed by its event id: a device that sends the same event
 * again and is refused again asks once. A refusal naming no event kept is one item.
 */
export function refusedRule(r: RefusedUpdateFacts): Finding[] {
	if (!r.events || r.events.length === 0) {
		return [
			batchFinding('refused-update', `refused:${r.id}`, r.batchId, null, {
				refusedUpdateId: r.id,
				code: r.code,
				eventIds: r.eventIds
			})
		];
	}
	return r.events.map((e) => ({
		...batchFinding('refused-update', `refused-event:${e.eventId}`, r.batchId, null, {
			refusedUpdateId: r.id,
			refusedEventId: e.id,
			code: e.code,
			eventIds: [e.eventId],
			lot: e.lot,
			givenAt: e.givenAt,
			withheld: e.withheld,
			myNumberField: e.myNumberField,
			problems: e.problems
		}),
		municipality: e.municipality,
		ticketNumber: e.ticketNumber,
		doseNumber: e.doseNumber
	}));
}
