import type { DoseEvent, Ticket } from '#shared/index';
import type { LotWarning } from './lot-check';
import { chainRoots } from './record-chains';
import type { CurrentRecord } from './records';

/**
 * What the confirmation screen warns about before a save. Warnings never block: the person
 * decides, and the back office sees every record anyway.
 */
/** The day's lot checked against the station's lot master (lot-check.ts) joins them. */
export type Warning =
	'RECORDED_HERE' | 'RECORDED_AT_VENUE' | 'OTHER_MUNICIPALITY' | 'DOSE_DIGIT' | 'LOT_EXPIRES_TODAY' | LotWarning;

interface Recorded {
	municipality: string;
	ticketNumber: string;
	doseNumber: number;
}

/** Code-unit order of fixed-width ASCII (ISO times, UUIDs), as records.ts orders events. */
const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The doses that stand in a log of events: each dose or screening with its latest correction
 * applied, voided ones left out, and only those whose current version is a dose (the same rule
 * as today's list and the ledger's current records). A dose voided or corrected to another
 * dose number is no longer "recorded" as it was.
 */
export function standingDoses(events: readonly DoseEvent[]): Recorded[] {
	const current = new Map<string, Recorded | null>();
	const changes: DoseEvent[] = [];
	for (const e of events) {
		if (e.type === 'dose' || e.type === 'not-vaccinated') current.set(e.id, e.type === 'dose' ? e : null);
		else if (e.type === 'correction' || e.type === 'void') changes.push(e);
	}
	// Few events are corrections or voids: only those need their order (the latest correction counts).
	changes.sort((a, b) => ordinal(a.recordedAt, b.recordedAt) || ordinal(a.id, b.id));
	const rootOf = chainRoots(events);
	const voided = new Set<string>();
	for (const e of changes) {
		if (e.type !== 'correction' && e.type !== 'void') continue;
		const root = rootOf.get(e.id);
		if (root === undefined) continue;
		if (e.type === 'void') voided.add(root);
		else current.set(root, e.record.type === 'dose' ? e.record : null);
	}
	const out: Recorded[] = [];
	for (const [root, record] of current) if (record && !voided.has(root)) out.push(record);
	return out;
}

/**
 * The doses that stand among current records (records.ts), as standingDoses finds them in the
 * records' events: the same rule, without deriving the day again. Only for records of which no
 * event was refused: standingDoses is given the events the server did not refuse, and without
 * a refused correction its record's chain reads otherwise.
 */
export function standingInRecords(records: readonly CurrentRecord[]): Recorded[] | null {
	const out: Recorded[] = [];
	for (const r of records) {
		if (r.state === 'refused') return null;
		if (!r.voided && r.record.type === 'dose') out.push(r.record);
	}
	return out;
}

export function confirmationWarnings(args: {
	ticket: Ticket;
	doseNumber: number;
	homeMunicipality: string;
	/** This device's events, or the doses that already stand among them (standingInRecords). */
	here: readonly DoseEvent[] | { standing: readonly Recorded[] };
	venue: readonly DoseEvent[];
	lotExpiry: string;
	today: string;
}): Warning[] {
	const { ticket } = args;
	const same = (r: Recorded) => r.municipality === ticket.municipality && r.ticketNumber === ticket.number;
	const here = ('standing' in args.here ? args.here.standing : standingDoses(args.here)).filter(same);
	const venue = standingDoses(args.venue).filter(same);
	const history = [...here, ...venue].map((r) => r.doseNumber);
	const warnings: Warning[] = [];
	if (here.some((r) => r.doseNumber === args.doseNumber)) warnings.push('RECORDED_HERE');
	if (venue.some((r) => r.doseNumber === args.doseNumber)) warnings.push('RECORDED_AT_VENUE');
	if (ticket.municipality !== args.homeMunicipality) warnings.push('OTHER_MUNICIPALITY');
	if (
		ticket.dose !== null &&
		history.length > 0 &&
		ticket.dose !== Math.max(...history) + 1 &&
		!warnings.includes('RECORDED_HERE') &&
		!warnings.includes('RECORDED_AT_VENUE')
	) {
		warnings.push('DOSE_DIGIT');
	}
	if (args.lotExpiry === args.today) warnings.push('LOT_EXPIRES_TODAY');
	return warnings;
}

/** The dose to record: the ticket's 回数 digit, else the next after the doses that stand. */
export function expectedDose(ticket: Ticket, known: readonly DoseEvent[]): number {
	if (ticket.dose !== null && ticket.dose > 0) return ticket.dose;
	const doses = standingDoses(known)
		.filter((r) => r.municipality === ticket.municipality && r.ticketNumber === ticket.number)
		.map((r) => r.doseNumber);
	return doses.length ? Math.max(...doses) + 1 : 1;
}
