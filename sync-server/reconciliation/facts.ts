import { loadRefusedEvents, refusalCodeOf, summaryOf } from '../ledger/refused-events';
import type { SqlExecutor } from '../ledger/sql';
import type { BatchCloseFacts, LateAfterCloseFacts, RefusedEventFacts, RefusedUpdateFacts } from './rules/batch-rules';
import type { RecordFacts } from './rules/types';

/**
 * Set-based loading of what the rules judge: a few statements per run, whatever the number of
 * records, so a run after each committed update stays cheap. A scope's empty list (no tickets,
 * no batches) reads nothing: the runs after commits judge tickets and batches apart.
 */

export interface TicketKey {
	municipality: string;
	ticketNumber: string;
}

/** Which records and batches a run looks at; `null` means all of them. */
export interface Scope {
	tickets: TicketKey[] | null;
	batches: string[] | null;
}

/** A scope list that names nothing (not `null`, which means all): its statements read nothing. */
export const namesNothing = (list: readonly unknown[] | null): boolean => list !== null && list.length === 0;

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/**
 * The register (migration 0006, imported by the register import) is in use once it holds a
 * ticket of the tenant: before the first import, "not in the register" would flag every dose.
 */
async function registerInUse(tx: SqlExecutor, tenant: string): Promise<boolean> {
	const exists = await tx.query<{ t: string | null }>(`SELECT to_regclass('register_tickets')::text AS t`);
	if (!exists.rows[0]?.t) return false;
	const { rows } = await tx.query('SELECT 1 FROM register_tickets WHERE municipality = $1 LIMIT 1', [tenant]);
	return rows.length > 0;
}

interface RecordRow {
	record_id: string;
	current_event_id: string;
	batch_id: string;
	outcome: 'dose' | 'not-vaccinated';
	municipality: string;
	ticket_number: string;
	dose_number: number;
	given_at: string | Date;
	ticket_dose: number | null;
	site_code: string;
	product: string | null;
	lot: string | null;
	reg_found?: boolean | null;
	eligible_doses?: number[] | null;
	moved_out_on?: string | null;
	deceased_on?: string | null;
}

/** Every active record of the scope's tickets (from any batch), with its register and lot rows. */
export async function loadRecords(
	tx: SqlExecutor,
	tenant: string,
	tickets: TicketKey[] | null
): Promise<RecordFacts[]> {
	if (namesNothing(tickets)) return [];
	const register = await registerInUse(tx, tenant);
	const params: unknown[] = [];
	let ticketJoin = '';
	if (tickets !== null) {
		params.push(
			tickets.map((t) => t.municipality),
			tickets.map((t) => t.ticketNumber)
		);
		ticketJoin = `JOIN (SELECT DISTINCT m::char(6) AS municipality, n::char(10) AS ticket_number FROM unnest($1::text[], $2::text[]) AS t(m, n)) t
		   ON t.municipality = r.municipality AND t.ticket_number = r.ticket_number`;
	}
	const { rows } = await tx.query<RecordRow>(
		`SELECT r.record_id, r.current_event_id, e.batch_id, r.outcome, r.municipality, r.ticket_number, r.dose_number,
		   r.given_at, (r.record->>'ticketDose')::int AS ticket_dose, r.site_code, r.product, r.lot
		   ${register ? `, g.ticket_number IS NOT NULL AS reg_found, g.eligible_doses, to_char(g.moved_out_on, 'YYYY-MM-DD') AS moved_out_on, to_char(g.deceased_on, 'YYYY-MM-DD') AS deceased_on` : ''}
		 FROM dose_records r
		 JOIN dose_events e ON e.event_id = r.record_id
		 ${ticketJoin}
		 ${register ? 'LEFT JOIN register_tickets g ON g.municipality = r.municipality AND g.ticket_number = r.ticket_number' : ''}
		 WHERE r.status = 'active'`,
		params
	);
	// The lot master is small (a few hundred lots): read once, matched here rather than per row in SQL.
	const lots = await tx.query<{ product: string; lot: string; expiry: string; sites: unknown }>(
		`SELECT product, lot, to_char(expiry, 'YYYY-MM-DD') AS expiry, sites FROM lots`
	);
	const master = new Map(
		lots.rows.map((l) => [`${l.product}\u0000${l.lot}`, { expiry: l.expiry, sites: json<string[]>(l.sites) }])
	);
	const productsOfLot = new Map<string, string[]>();
	for (const l of lots.rows) productsOfLot.set(l.lot, [...(productsOfLot.get(l.lot) ?? []), l.product]);
	return rows.map((r) => ({
		recordId: r.record_id,
		currentEventId: r.current_event_id,
		batchId: r.batch_id,
		outcome: r.outcome,
		municipality: r.municipality,
		ticketNumber: r.ticket_number,
		doseNumber: Number(r.dose_number),
		ticketDose: r.ticket_dose === null ? null : Number(r.ticket_dose),
		givenAt: new Date(r.given_at).toISOString(),
		siteCode: r.site_code,
		product: r.product,
		lot: r.lot,
		...(register
			? {
					register: r.reg_found
						? {
								eligibleDoses: r.eligible_doses ? r.eligible_doses.map(Number) : null,
								movedOutOn: r.moved_out_on ?? null,
								deceasedOn: r.deceased_on ?? null
							}
						: null
				}
			: {}),
		lotMaster: r.product !== null && r.lot !== null ? (master.get(`${r.product}\u0000${r.lot}`) ?? null) : null,
		lotProducts: r.lot !== null ? (productsOfLot.get(r.lot) ?? []) : []
	}));
}

/**
 * Which batch-close of a batch is in force, as an ORDER BY over its batch-close rows of
 * dose_events (the first row wins): the device's own close if one arrived — the latest it
 * recorded — else the office's close on its behalf (office-close.ts). The station's tally is the
 * venue's count of the forms that very tablet handled, made when the day ended; the office's is
 * a stand-in for a close that had not come. A device close that arrives after an office close
 * therefore becomes the tally the rule compares (a new subject: a mismatch is asked again), and
 * changes no state (projection.ts moves only an open batch to closed).
 */
export const CLOSE_IN_FORCE_ORDER = '(office_seq IS NOT NULL), recorded_at DESC, event_id DESC';

/** The batch-close in force of each closed batch of the scope (not reopened since), with its count of active records. */
export async function loadClosedBatches(tx: SqlExecutor, batches: string[] | null): Promise<BatchCloseFacts[]> {
	if (namesNothing(batches)) return [];
	const { rows } = await tx.query<{ batch_id: string; event_id: string; paper_tally: number; active: number }>(
		`SELECT c.batch_id, c.event_id, c.paper_tally,
		   (SELECT count(*)::int FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id
		    WHERE e.batch_id = c.batch_id AND r.status = 'active') AS active
		 FROM (SELECT DISTINCT ON (batch_id) batch_id, event_id, recorded_at, (payload->>'paperTally')::int AS paper_tally
		       FROM dose_events WHERE type = 'batch-close' AND ($1::text[] IS NULL OR batch_id = ANY($1::text[]))
		       ORDER BY batch_id, ${CLOSE_IN_FORCE_ORDER}) c
		 -- A day the station reopened after its last close is not closed: no tally to compare yet.
		 WHERE NOT EXISTS (SELECT 1 FROM dose_events o WHERE o.batch_id = c.batch_id AND o.type = 'batch-reopen' AND o.recorded_at > c.recorded_at)`,
		[batches]
	);
	return rows.map((r) => ({
		batchId: r.batch_id,
		closeEventId: r.event_id,
		paperTally: Number(r.paper_tally),
		activeRecords: Number(r.active)
	}));
}

/**
 * Batches of the scope the office closed on their device's behalf, with the device events
 * stored after that close: events of raw updates later than the last one the ledger held when
 * the supervisor closed it (office_events.through_update_seq). Only records, corrections and
 * voids count — they change what the batch holds; a late device close changes only the tally in
 * force, which the tally rule judges.
 */
export async function loadLateAfterClose(tx: SqlExecutor, batches: string[] | null): Promise<LateAfterCloseFacts[]> {
	if (namesNothing(batches)) return [];
	const { rows } = await tx.query<{ batch_id: string; event_id: string; late: number; new_records: number }>(
		`SELECT c.batch_id, c.event_id,
		   count(e.event_id)::int AS late,
		   count(e.event_id) FILTER (WHERE e.type IN ('dose', 'not-vaccinated'))::int AS new_records
		 FROM (SELECT DISTINCT ON (batch_id) batch_id, event_id, through_update_seq FROM office_events
		       WHERE type = 'batch-close' AND ($1::text[] IS NULL OR batch_id = ANY($1::text[]))
		       ORDER BY batch_id, seq DESC) c
		 LEFT JOIN dose_events e ON e.batch_id = c.batch_id AND e.update_seq > c.through_update_seq
		   AND e.type IN ('dose', 'not-vaccinated', 'correction', 'void')
		 GROUP BY c.batch_id, c.event_id`,
		[batches]
	);
	return rows.map((r) => ({
		batchId: r.batch_id,
		closeEventId: r.event_id,
		lateEvents: Number(r.late),
		newRecords: Number(r.new_records)
	}));
}

export async function loadRefusedUpdates(tx: SqlExecutor, batches: string[] | null): Promise<RefusedUpdateFacts[]> {
	if (namesNothing(batches)) return [];
	const { rows } = await tx.query<{ id: number; batch_id: string; code: string; event_ids: unknown }>(
		'SELECT id, batch_id, code, event_ids FROM refused_updates WHERE $1::text[] IS NULL OR batch_id = ANY($1::text[])',
		[batches]
	);
	const kept = new Map<number, RefusedEventFacts[]>();
	for (const e of await loadRefusedEvents(tx, { batches })) {
		const s = summaryOf(e.content);
		const facts: RefusedEventFacts = {
			id: e.id,
			eventId: e.eventId,
			code: refusalCodeOf(e.problems),
			municipality: s.municipality,
			ticketNumber: s.ticketNumber,
			doseNumber: s.doseNumber,
			lot: s.lot,
			givenAt: s.givenAt,
			withheld: e.withheld,
			myNumberField: e.myNumberField,
			problems: e.problems
		};
		kept.set(e.refusedUpdateId, [...(kept.get(e.refusedUpdateId) ?? []), facts]);
	}
	return rows.map((r) => ({
		id: Number(r.id),
		batchId: r.batch_id,
		code: r.code,
		eventIds: json<string[]>(r.event_ids),
		events: kept.get(Number(r.id)) ?? []
	}));
}

/** Tickets of the records of these batches and of their open items (a correction may have moved a record off a ticket). */
export async function ticketsOfBatches(tx: SqlExecutor, batches: string[]): Promise<TicketKey[]> {
	const { rows } = await tx.query<{ municipality: string; ticket_number: string }>(
		`SELECT DISTINCT municipality, ticket_number FROM dose_events WHERE batch_id = ANY($1::text[]) AND ticket_number IS NOT NULL
		 UNION
		 SELECT municipality, ticket_number FROM reconciliation_items WHERE batch_id = ANY($1::text[]) AND status = 'open' AND ticket_number IS NOT NULL`,
		[batches]
	);
	return rows.map((r) => ({ municipality: r.municipality, ticketNumber: r.ticket_number }));
}

/**
 * What changed in these batches since the given raw update of each (`after`: the last update
 * seq already judged): the tickets of the new events, and of the records that new corrections
 * and voids replace. Within one batch updates commit one at a time in seq order (ingest holds
 * the batch while it commits), so a per-batch cursor misses nothing.
 */
export async function changesSince(
	tx: SqlExecutor,
	after: Map<string, number>
): Promise<{ tickets: TicketKey[]; upTo: Map<string, number> }> {
	const ids = [...after.keys()];
	const { rows } = await tx.query<{
		batch_id: string;
		update_seq: number;
		municipality: string | null;
		ticket_number: string | null;
		replaces: string | null;
	}>(
		`SELECT e.batch_id, e.update_seq, e.municipality, e.ticket_number, e.replaces FROM dose_events e
		 JOIN unnest($1::text[], $2::bigint[]) AS c(batch_id, after) ON e.batch_id = c.batch_id AND e.update_seq > c.after`,
		[ids, ids.map((id) => after.get(id)!)]
	);
	const upTo = new Map(after);
	const tickets: TicketKey[] = [];
	const replaced: string[] = [];
	for (const r of rows) {
		upTo.set(r.batch_id, Math.max(upTo.get(r.batch_id) ?? 0, Number(r.update_seq)));
		if (r.municipality !== null && r.ticket_number !== null)
			tickets.push({ municipality: r.municipality, ticketNumber: r.ticket_number });
		if (r.replaces !== null) replaced.push(r.replaces);
	}
	if (replaced.length > 0) {
		const prev = await tx.query<{ municipality: string; ticket_number: string }>(
			'SELECT DISTINCT municipality, ticket_number FROM dose_events WHERE event_id = ANY($1::uuid[]) AND ticket_number IS NOT NULL',
			[replaced]
		);
		for (const r of prev.rows) tickets.push({ municipality: r.municipality, ticketNumber: r.ticket_number });
	}
	return { tickets, upTo };
}
