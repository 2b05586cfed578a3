import type { VaccineCatalog } from '#shared/index';
import { RECORD_REASONS } from '#shared/office/reconciliation';
import type { SqlExecutor } from '../ledger/sql';
import {
	loadClosedBatches,
	loadLateAfterClose,
	loadRecords,
	loadRefusedUpdates,
	namesNothing,
	ticketsOfBatches,
	type Scope,
	type TicketKey
} from './facts';
import { lateAfterCloseRule, refusedRule, tallyRule, type LateAfterCloseFacts } from './rules/batch-rules';
import { recordRules } from './rules/record-rules';
import { ticketRules } from './rules/ticket-rules';
import type { Finding } from './rules/types';
import type { RecordFacts } from './rules/types';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

export interface RunResult {
	found: number;
	created: number;
	cleared: number;
}

/** Every finding of the rules over these records, batches and refusals (pure). */
export function findingsOf(
	records: readonly RecordFacts[],
	closes: Parameters<typeof tallyRule>[0][],
	refused: Parameters<typeof refusedRule>[0][],
	tenant: string,
	catalog: VaccineCatalog,
	late: readonly LateAfterCloseFacts[] = []
): Finding[] {
	const byTicket = new Map<string, RecordFacts[]>();
	for (const r of records) {
		const key = `${r.municipality}/${r.ticketNumber}`;
		const group = byTicket.get(key);
		if (group) group.push(r);
		else byTicket.set(key, [r]);
	}
	return [
		...records.flatMap((r) => recordRules(r, tenant)),
		...[...byTicket.values()].flatMap((group) => ticketRules(group, catalog)),
		...closes.flatMap(tallyRule),
		...refused.flatMap(refusedRule),
		...late.flatMap(lateAfterCloseRule)
	];
}

const WIDTH = 9;
function insertSql(n: number): string {
	const rows = Array.from(
		{ length: n },
		(_, r) => `(${Array.from({ length: WIDTH }, (_, c) => `$${r * WIDTH + c + 1}`).join(', ')})`
	);
	return `INSERT INTO reconciliation_items (reason, subject, batch_id, record_id, event_id, municipality, ticket_number, dose_number, details)
	        VALUES ${rows.join(', ')} ON CONFLICT (reason, subject) DO NOTHING RETURNING id`;
}

/** Whole batches: every ticket recorded in them (or on their open items), and their batch rules. */
export async function batchScope(tx: SqlExecutor, batches: string[], more: TicketKey[] = []): Promise<Scope> {
	return { tickets: [...more, ...(await ticketsOfBatches(tx, batches))], batches };
}

/**
 * Runs every rule over a scope inside the caller's transaction: record rules over the scope's
 * tickets (all of their active records, from any batch), batch rules over its batches. New findings become open
 * items, open items of the scope whose finding no longer holds become 'cleared', and the
 * batches of the scope move closed → received (nothing refused left open) or back from
 * checked → received (a new open item arrived), or from approved or exported → received (events
 * arrived after an office close: late-after-close). Items already decided stay as they are.
 */
/** `catalog`: the current stored vaccine catalogue (intervals per product), see sync-server/catalog. */
export async function runRules(
	tx: SqlExecutor,
	tenant: string,
	scope: Scope,
	catalog: VaccineCatalog
): Promise<RunResult> {
	await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.reconciliation]);
	const tickets: TicketKey[] | null = scope.tickets;
	const records = await loadRecords(tx, tenant, tickets);
	const closes = await loadClosedBatches(tx, scope.batches);
	const refused = await loadRefusedUpdates(tx, scope.batches);
	const late = await loadLateAfterClose(tx, scope.batches);
	const findings = findingsOf(records, closes, refused, tenant, catalog, late);

	// What the scope already holds (any status): two indexed lookups (by ticket, by batch), not
	// a scan of the queue, which may hold thousands while a run looks at a handful of tickets.
	const all = scope.tickets === null && scope.batches === null;
	const known = all
		? await tx.query<{ id: number; reason: string; subject: string; status: string }>(
				'SELECT id, reason, subject, status FROM reconciliation_items'
			)
		: await tx.query<{ id: number; reason: string; subject: string; status: string }>(
				`SELECT i.id, i.reason, i.subject, i.status FROM reconciliation_items i
				 JOIN (SELECT DISTINCT m::char(6) AS m, n::char(10) AS n FROM unnest($2::text[], $3::text[]) AS t(m, n)) t
				   ON i.municipality = t.m AND i.ticket_number = t.n
				 WHERE i.reason = ANY($1::text[])
				 UNION
				 SELECT id, reason, subject, status FROM reconciliation_items WHERE batch_id = ANY($4::text[]) AND NOT reason = ANY($1::text[])`,
				[
					RECORD_REASONS,
					(tickets ?? []).map((t) => t.municipality),
					(tickets ?? []).map((t) => t.ticketNumber),
					scope.batches ?? []
				]
			);
	const key = (reason: string, subject: string) => `${reason} ${subject}`;
	const existing = new Set(known.rows.map((r) => key(r.reason, r.subject)));

	// Only new findings are written: a finding already decided (accepted, reported…) stays decided.
	const fresh = findings.filter((f) => !existing.has(key(f.reason, f.subject)));
	let created = 0;
	for (let i = 0; i < fresh.length; i += 500) {
		const chunk = fresh.slice(i, i + 500);
		const params = chunk.flatMap((f) => [
			f.reason,
			f.subject,
			f.batchId,
			f.recordId,
			f.eventId,
			f.municipality,
			f.ticketNumber,
			f.doseNumber,
			JSON.stringify(f.details)
		]);
		created += (await tx.query(insertSql(chunk.length), params)).rows.length;
	}

	// Open items of the scope that no rule finds any more.
	const found = new Set(findings.map((f) => key(f.reason, f.subject)));
	const stale = known.rows
		.filter((r) => r.status === 'open' && !found.has(key(r.reason, r.subject)))
		.map((r) => Number(r.id));
	if (stale.length > 0)
		await tx.query(
			`UPDATE reconciliation_items SET status = 'cleared', resolved_at = now() WHERE id = ANY($1::bigint[])`,
			[stale]
		);

	await settleBatchStates(
		tx,
		all ? null : (scope.batches ?? []),
		all ? null : [...new Set([...(scope.batches ?? []), ...findings.map((f) => f.batchId)])]
	);
	return { found: findings.length, created, cleared: stale.length };
}

/**
 * closed → received (for `closing`) once every refused update of the batch has an item that a
 * person has dealt with (one per refused event kept with it, else one for the update): every event the device recorded before its batch-close is then
 * accounted for (the server refuses an update whose base it lacks, so the close arriving means
 * everything before it arrived or was refused). A checked batch (of `reopening`) that gained an
 * open item goes back to received. So does an approved or exported one with an open
 * late-after-close item: what it holds changed after the office closed it, so it is checked,
 * approved and exported again (the earlier export's stored file stays as it was; the next export
 * of the batch carries the late records). Other items found on an approved batch (a duplicate
 * another batch's dose raised, say) leave it where it is: its own records did not change.
 */
async function settleBatchStates(tx: SqlExecutor, closing: string[] | null, reopening: string[] | null): Promise<void> {
	// An empty list (a run over tickets only) has no batch to settle: two statements saved per run.
	if (!namesNothing(closing)) {
		await tx.query(
			`UPDATE batches b SET state = 'received', state_changed_at = now()
		 WHERE ($1::text[] IS NULL OR b.id = ANY($1::text[])) AND b.state = 'closed'
		   AND NOT EXISTS (
		     SELECT 1 FROM refused_updates r WHERE r.batch_id = b.id AND NOT EXISTS (
		       SELECT 1 FROM reconciliation_items i WHERE i.reason = 'refused-update' AND i.subject = 'refused:' || r.id AND i.status <> 'open')
		     AND (NOT EXISTS (SELECT 1 FROM refused_events e WHERE e.refused_update_id = r.id)
		       OR EXISTS (
		         SELECT 1 FROM refused_events e WHERE e.refused_update_id = r.id AND NOT EXISTS (
		           SELECT 1 FROM reconciliation_items i WHERE i.reason = 'refused-update' AND i.subject = 'refused-event:' || e.event_id AND i.status <> 'open'))))`,
			[closing]
		);
	}
	if (!namesNothing(reopening)) {
		await tx.query(
			`UPDATE batches b SET state = 'received', state_changed_at = now(), checked_by = NULL, checked_at = NULL, approved_by = NULL, approved_at = NULL
		 WHERE ($1::text[] IS NULL OR b.id = ANY($1::text[]))
		   AND (
		     (b.state = 'checked' AND EXISTS (SELECT 1 FROM reconciliation_items i WHERE i.batch_id = b.id AND i.status = 'open'))
		     OR (b.state IN ('approved', 'exported')
		         AND EXISTS (SELECT 1 FROM reconciliation_items i WHERE i.batch_id = b.id AND i.status = 'open' AND i.reason = 'late-after-close')))`,
			[reopening]
		);
	}
}
