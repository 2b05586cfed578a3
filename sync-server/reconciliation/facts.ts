import type { SqlExecutor } from '../ledger/sql';
import type { BatchCloseFacts, RefusedUpdateFacts } from './rules/batch-rules';
import type { RecordFacts } from './rules/types';

/**
 * Set-based loading of what the rules judge: a few statements per run, whatever the number of
 * records, so a run after each committed update stays cheap.
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
	given_at: string;
	ticket_dose: number | null;
	site_code: string;
	product: string | null;
	lot: string | null;
	lot_expiry: string | null;
	lot_sites: unknown;
	lot_products: unknown;
	reg_found?: boolean | null;
	eligible_doses?: number[] | null;
	moved_out_on?: string | null;
	deceased_on?: string | null;
}

/** Every active record of the scope's tickets (from any batch), with its register and lot rows. */
export async function loadRecords(tx: SqlExecutor, tenant: string, tickets: TicketKey[] | null): Promise<RecordFacts[]> {
	if (tickets !== null && tickets.length === 0) return [];
	const register = await registerInUse(tx, tenant);
	const params: unknown[] = [];
	let ticketJoin = '';
	if (tickets !== null) {
		params.push(tickets.map((t) => t.municipality), tickets.map((t) => t.ticketNumber));
		ticketJoin = `JOIN (SELECT DISTINCT m::char(6) AS municipality, n::char(10) AS ticket_number FROM unnest($1::text[], $2::text[]) AS t(m, n)) t
		   ON t.municipality = r.municipality AND t.ticket_number = r.ticket_number`;
	}
	const { rows } = await tx.query<RecordRow>(
		`SELECT r.record_id, r.current_event_id, e.batch_id, r.outcome, r.municipality, r.ticket_number, r.dose_number,
		   r.record->>'givenAt' AS given_at, (r.record->>'ticketDose')::int AS ticket_dose, r.site_code, r.product, r.lot,
		   to_char(l.expiry, 'YYYY-MM-DD') AS lot_expiry, l.sites AS lot_sites,
		   (SELECT coalesce(json_agg(x.product), '[]'::json) FROM lots x WHERE x.lot = r.lot) AS lot_products
		   ${register ? `, g.ticket_number IS NOT NULL AS reg_found, g.eligible_doses, to_char(g.moved_out_on, 'YYYY-MM-DD') AS moved_out_on, to_char(g.deceased_on, 'YYYY-MM-DD') AS deceased_on` : ''}
		 FROM dose_records r
		 JOIN dose_events e ON e.event_id = r.record_id
		 ${ticketJoin}
		 LEFT JOIN lots l ON l.product = r.product AND l.lot = r.lot
		 ${register ? 'LEFT JOIN register_tickets g ON g.municipality = r.municipality AND g.ticket_number = r.ticket_number' : ''}
		 WHERE r.status = 'active'`,
		params
	);
	return rows.map((r) => ({
		recordId: r.record_id,
		currentEventId: r.current_event_id,
		batchId: r.batch_id,
		outcome: r.outcome,
		municipality: r.municipality,
		ticketNumber: r.ticket_number,
		doseNumber: Number(r.dose_number),
		ticketDose: r.ticket_dose === null ? null : Number(r.ticket_dose),
		givenAt: r.given_at,
		siteCode: r.site_code,
		product: r.product,
		lot: r.lot,
		...(register
			? {
					register: r.reg_found
						? { eligibleDoses: r.eligible_doses ? r.eligible_doses.map(Number) : null, movedOutOn: r.moved_out_on ?? null, deceasedOn: r.deceased_on ?? null }
						: null
				}
			: {}),
		lotMaster: r.lot_expiry === null ? null : { expiry: r.lot_expiry, sites: json<string[]>(r.lot_sites) },
		lotProducts: json<string[]>(r.lot_products)
	}));
}

/** The batch-close in force of each closed batch of the scope, with its count of active records. */
export async function loadClosedBatches(tx: SqlExecutor, batches: string[] | null): Promise<BatchCloseFacts[]> {
	const { rows } = await tx.query<{ batch_id: string; event_id: string; paper_tally: number; active: number }>(
		`SELECT c.batch_id, c.event_id, c.paper_tally,
		   (SELECT count(*)::int FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id
		    WHERE e.batch_id = c.batch_id AND r.status = 'active') AS active
		 FROM (SELECT DISTINCT ON (batch_id) batch_id, event_id, (payload->>'paperTally')::int AS paper_tally
		       FROM dose_events WHERE type = 'batch-close' AND ($1::text[] IS NULL OR batch_id = ANY($1::text[]))
		       ORDER BY batch_id, recorded_at DESC, event_id DESC) c`,
		[batches]
	);
	return rows.map((r) => ({ batchId: r.batch_id, closeEventId: r.event_id, paperTally: Number(r.paper_tally), activeRecords: Number(r.active) }));
}

export async function loadRefusedUpdates(tx: SqlExecutor, batches: string[] | null): Promise<RefusedUpdateFacts[]> {
	const { rows } = await tx.query<{ id: number; batch_id: string; code: string; event_ids: unknown }>(
		'SELECT id, batch_id, code, event_ids FROM refused_updates WHERE $1::text[] IS NULL OR batch_id = ANY($1::text[])',
		[batches]
	);
	return rows.map((r) => ({ id: Number(r.id), batchId: r.batch_id, code: r.code, eventIds: json<string[]>(r.event_ids) }));
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
