import type { SqlExecutor } from '../ledger/sql';
import type { HistoryEvent, TicketHistory } from '#shared/office/reconciliation-api';
import { listItems } from './items';

export type { HistoryEvent, TicketHistory };

/**
 * Everything the ledger holds about one ticket, for a disclosure request: every event of every
 * record that carries or ever carried the ticket (device and office events), who made it (the
 * device and operator code, or the office user), when (recorded, received) and why (reason).
 */

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const obj = (v: unknown) =>
	typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown>);

export async function ticketHistory(
	db: SqlExecutor,
	municipality: string,
	ticketNumber: string
): Promise<TicketHistory> {
	const { rows } = await db.query<Record<string, unknown>>(
		`WITH RECURSIVE up AS (
		   SELECT event_id, type, replaces, 0 AS depth FROM dose_events WHERE municipality = $1 AND ticket_number = $2
		   UNION
		   SELECT e.event_id, e.type, e.replaces, up.depth + 1 FROM dose_events e JOIN up ON e.event_id = up.replaces WHERE up.depth < 1000
		 ), roots AS (SELECT DISTINCT event_id FROM up WHERE type IN ('dose', 'not-vaccinated')),
		 down AS (
		   SELECT r.event_id, r.event_id AS root, 0 AS depth FROM roots r
		   UNION ALL
		   SELECT e.event_id, d.root, d.depth + 1 FROM dose_events e JOIN down d ON e.replaces = d.event_id WHERE d.depth < 1000
		 )
		 SELECT d.root, e.event_id, e.type, e.batch_id, e.recorded_at, e.replaces, e.payload, e.office_seq,
		   s.received_at, dev.label AS device_label, o.username, o.created_at AS office_at, o.reason AS office_reason, u.display_name
		 FROM down d JOIN dose_events e ON e.event_id = d.event_id
		 LEFT JOIN sync_updates s ON s.seq = e.update_seq
		 LEFT JOIN devices dev ON dev.id = e.device_id
		 LEFT JOIN office_events o ON o.seq = e.office_seq
		 LEFT JOIN office_users u ON u.id = o.user_id
		 ORDER BY e.recorded_at, e.event_id`,
		[municipality, ticketNumber]
	);
	const events: HistoryEvent[] = rows.map((r) => {
		const payload = obj(r.payload);
		const office = r.office_seq !== null && r.office_seq !== undefined;
		return {
			eventId: r.event_id as string,
			recordId: r.root as string,
			type: r.type as string,
			source: office ? 'office' : 'device',
			batchId: r.batch_id as string,
			recordedAt: iso(r.recorded_at)!,
			storedAt: iso(office ? r.office_at : r.received_at),
			deviceLabel: office ? null : ((r.device_label as string | null) ?? null),
			operator: office ? null : ((payload.operator as string | undefined) ?? null),
			officeUser: office ? ((r.username as string | null) ?? null) : null,
			officeUserName: office ? ((r.display_name as string | null) ?? null) : null,
			reason: (payload.reason as string | undefined) ?? null,
			replaces: (r.replaces as string | null) ?? null,
			payload
		};
	});
	const roots = [...new Set(events.map((e) => e.recordId))];
	const recs = roots.length
		? (
				await db.query<Record<string, unknown>>(
					`SELECT record_id, status, outcome, dose_number, record->>'givenAt' AS given_at, product, lot, versions FROM dose_records WHERE record_id = ANY($1::uuid[]) ORDER BY dose_number, given_at`,
					[roots]
				)
			).rows
		: [];
	return {
		municipality,
		ticketNumber,
		records: recs.map((r) => ({
			recordId: r.record_id as string,
			status: r.status as string,
			outcome: r.outcome as string,
			doseNumber: Number(r.dose_number),
			givenAt: r.given_at as string,
			product: (r.product as string | null) ?? null,
			lot: (r.lot as string | null) ?? null,
			versions: Number(r.versions)
		})),
		events,
		items: await listItems(db, { municipality, ticket: ticketNumber })
	};
}
