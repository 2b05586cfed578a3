import type { DoseEvent, Ticket } from '$shared/index';

/**
 * What the confirmation screen warns about before a save. Warnings never block: the person
 * decides, and the back office sees every record anyway.
 */
export type Warning = 'RECORDED_HERE' | 'RECORDED_AT_VENUE' | 'OTHER_MUNICIPALITY' | 'DOSE_DIGIT' | 'LOT_EXPIRES_TODAY';

interface Recorded {
	municipality: string;
	ticketNumber: string;
	doseNumber: number;
}

const recordedDose = (e: DoseEvent): Recorded | null =>
	e.type === 'dose' ? e : e.type === 'correction' && e.record.type === 'dose' ? e.record : null;

export function confirmationWarnings(args: {
	ticket: Ticket;
	doseNumber: number;
	homeMunicipality: string;
	here: readonly DoseEvent[];
	venue: readonly DoseEvent[];
	lotExpiry: string;
	today: string;
}): Warning[] {
	const { ticket } = args;
	const same = (e: DoseEvent) => {
		const r = recordedDose(e);
		return r !== null && r.municipality === ticket.municipality && r.ticketNumber === ticket.number;
	};
	const history = [...args.here, ...args.venue].filter(same).map((e) => recordedDose(e)!.doseNumber);
	const warnings: Warning[] = [];
	if (args.here.some((e) => same(e) && recordedDose(e)!.doseNumber === args.doseNumber)) warnings.push('RECORDED_HERE');
	if (args.venue.some((e) => same(e) && recordedDose(e)!.doseNumber === args.doseNumber)) warnings.push('RECORDED_AT_VENUE');
	if (ticket.municipality !== args.homeMunicipality) warnings.push('OTHER_MUNICIPALITY');
	if (ticket.dose !== null && history.length > 0 && ticket.dose !== Math.max(...history) + 1 && !warnings.includes('RECORDED_HERE') && !warnings.includes('RECORDED_AT_VENUE')) {
		warnings.push('DOSE_DIGIT');
	}
	if (args.lotExpiry === args.today) warnings.push('LOT_EXPIRES_TODAY');
	return warnings;
}

/** The dose to record: the ticket's 回数 digit, else the next after what is known here. */
export function expectedDose(ticket: Ticket, known: readonly DoseEvent[]): number {
	if (ticket.dose !== null && ticket.dose > 0) return ticket.dose;
	const doses = known
		.map(recordedDose)
		.filter((r): r is Recorded => r !== null && r.municipality === ticket.municipality && r.ticketNumber === ticket.number)
		.map((r) => r.doseNumber);
	return doses.length ? Math.max(...doses) + 1 : 1;
}
