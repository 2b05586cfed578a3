import { recordOf, type DoseEvent } from '#shared/index';
import type { SqlExecutor } from './sql';

/**
 * Projections of stored updates. Used by ingest and by `ledger rebuild`, so live and rebuilt
 * tables cannot differ.
 */

/** `($1, $2, …), ($n+1, …)` for a multi-row INSERT of `rows` rows of `width` values. */
function placeholders(rows: number, width: number): string {
	return Array.from(
		{ length: rows },
		(_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`
	).join(', ');
}

/** The events one stored update adds, to project. */
export interface UpdateEvents {
	batchId: string;
	deviceId: string;
	seq: number;
	events: readonly DoseEvent[];
}

/** One update's events: see projectUpdates. */
export function projectEvents(tx: SqlExecutor, u: UpdateEvents): Promise<void> {
	return projectUpdates(tx, [u]);
}

/**
 * One dose_events row per event, keyed by the event id so an event that arrives again inside
 * another update is not projected twice; then the current record of every dose the events
 * touch. Set-based over any number of updates (group commit hands it every update of one
 * transaction): a handful of statements whatever the count, each taking its rows as arrays
 * through unnest, which has no parameter limit and is one plan for every size. Corrections and
 * voids, rare, refresh their record one by one.
 */
export async function projectUpdates(tx: SqlExecutor, updates: readonly UpdateEvents[]): Promise<void> {
	const cols: unknown[][] = Array.from({ length: 11 }, () => []);
	// The events' JSON travels once, as one jsonb array joined to the other columns by position:
	// a jsonb[] would be quoted and escaped element by element on the way, and parsed so again.
	const payloads: DoseEvent[] = [];
	for (const u of updates) {
		for (const ev of u.events) {
			const rec = recordOf(ev);
			const replaces = ev.type === 'correction' || ev.type === 'void' ? ev.replaces : null;
			const row = [
				ev.id,
				u.batchId,
				u.deviceId,
				u.seq,
				ev.type,
				rec?.municipality ?? null,
				rec?.ticketNumber ?? null,
				rec?.doseNumber ?? null,
				rec?.givenAt ?? null,
				ev.recordedAt,
				replaces
			];
			for (let c = 0; c < 11; c++) cols[c]!.push(row[c]);
			payloads.push(ev);
		}
	}
	if (payloads.length === 0) return;
	const inserted = await tx.query<{ event_id: string }>(
		`INSERT INTO dose_events (event_id, batch_id, device_id, update_seq, type, municipality, ticket_number,
		   dose_number, given_at, recorded_at, replaces, payload)
		 SELECT t.event_id, t.batch_id, t.device_id, t.update_seq, t.type, t.municipality, t.ticket_number,
		   t.dose_number, t.given_at, t.recorded_at, t.replaces, j.payload
		 FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::bigint[], $5::text[], $6::char(6)[], $7::char(10)[],
		   $8::smallint[], $9::timestamptz[], $10::timestamptz[], $11::uuid[]) WITH ORDINALITY
		   AS t(event_id, batch_id, device_id, update_seq, type, municipality, ticket_number, dose_number, given_at, recorded_at, replaces, n)
		 JOIN jsonb_array_elements($12::jsonb) WITH ORDINALITY AS j(payload, n) ON j.n = t.n
		 ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
		[...cols, JSON.stringify(payloads)]
	);
	const fresh = new Set(inserted.rows.map((r) => r.event_id));
	const events: { batchId: string; ev: DoseEvent }[] = [];
	for (const u of updates) for (const ev of u.events) if (fresh.has(ev.id)) events.push({ batchId: u.batchId, ev });
	// The device closed its day: the batch leaves 'open' (reconciliation takes it from there).
	// Or it reopened a day closed by mistake (the latest close or reopen is in force): the batch
	// is open again, and whatever a person had checked or approved of it is to do again. An
	// exported batch stays exported (what it held went out; what follows is judged as late).
	const lastOfBatch = new Map<string, DoseEvent>();
	for (const { batchId, ev } of events) {
		if (ev.type !== 'batch-close' && ev.type !== 'batch-reopen') continue;
		const last = lastOfBatch.get(batchId);
		if (!last || last.recordedAt <= ev.recordedAt) lastOfBatch.set(batchId, ev);
	}
	const closing = [...lastOfBatch].filter(([, ev]) => ev.type === 'batch-close').map(([b]) => b);
	const reopening = [...lastOfBatch].filter(([, ev]) => ev.type === 'batch-reopen').map(([b]) => b);
	if (closing.length > 0) {
		await tx.query(
			`UPDATE batches SET state = 'closed', state_changed_at = now() WHERE id = ANY($1::text[]) AND state = 'open'`,
			[closing]
		);
	}
	if (reopening.length > 0) {
		await tx.query(
			`UPDATE batches SET state = 'open', state_changed_at = now(), checked_by = NULL, checked_at = NULL, approved_by = NULL, approved_at = NULL
			 WHERE id = ANY($1::text[]) AND state IN ('closed', 'received', 'checked', 'approved')`,
			[reopening]
		);
	}

	// New doses and screenings: their record is the event itself (recordOf, in SQL: the payload
	// just stored, without the event's own fields), unless corrections of them arrived earlier
	// (another batch synced first, or this same group); those go through the full refresh. One
	// statement with one parameter: the rows come from dose_events, not sent again.
	const roots = events.filter((e) => e.ev.type === 'dose' || e.ev.type === 'not-vaccinated').map((e) => e.ev.id);
	const recorded = roots.length
		? new Set(
				(
					await tx.query<{ record_id: string }>(
						`INSERT INTO dose_records (${RECORD_COLUMNS})
						 SELECT e.event_id, e.event_id, 'active', e.type, e.municipality, e.ticket_number, e.dose_number, e.given_at,
						   e.payload->>'siteCode', e.payload->'vaccine'->>'product', e.payload->'vaccine'->>'lot',
						   e.payload ${EVENT_OWN_FIELDS}, 1
						 FROM dose_events e
						 WHERE e.event_id = ANY($1::uuid[])
						   AND NOT EXISTS (SELECT 1 FROM dose_events c WHERE c.replaces = e.event_id)
						 RETURNING record_id`,
						[roots]
					)
				).rows.map((r) => r.record_id)
			)
		: new Set<string>();
	const corrected = roots.filter((id) => !recorded.has(id));
	const toRefresh = new Set(corrected);
	for (const { ev } of events) {
		if (ev.type !== 'correction' && ev.type !== 'void') continue;
		const root = await rootOf(tx, ev.id);
		if (root) toRefresh.add(root);
	}
	for (const root of toRefresh) await refreshRecord(tx, root);
}

/** recordOf of a dose or not-vaccinated event, in SQL: the payload without the event's own fields. */
const EVENT_OWN_FIELDS = "- 'id' - 'batch' - 'device' - 'operator' - 'recordedAt'";

const RECORD_COLUMNS =
	'record_id, current_event_id, status, outcome, municipality, ticket_number, dose_number, given_at, site_code, product, lot, record, versions';

function recordRow(
	rootId: string,
	currentId: string,
	voided: boolean,
	record: NonNullable<ReturnType<typeof recordOf>>,
	versions: number
): unknown[] {
	const vaccine = 'vaccine' in record ? record.vaccine : null;
	return [
		rootId,
		currentId,
		voided ? 'voided' : 'active',
		record.type === 'not-vaccinated' ? 'not-vaccinated' : 'dose',
		record.municipality,
		record.ticketNumber,
		record.doseNumber,
		record.givenAt,
		record.siteCode,
		vaccine?.product ?? null,
		vaccine?.lot ?? null,
		JSON.stringify(record),
		versions
	];
}

/** The dose or not-vaccinated event a chain of corrections and voids goes back to. */
async function rootOf(tx: SqlExecutor, eventId: string): Promise<string | null> {
	const { rows } = await tx.query<{ event_id: string }>(
		`WITH RECURSIVE up AS (
		   SELECT event_id, type, replaces, 0 AS depth FROM dose_events WHERE event_id = $1
		   UNION ALL
		   SELECT e.event_id, e.type, e.replaces, up.depth + 1 FROM dose_events e JOIN up ON e.event_id = up.replaces WHERE up.depth < 1000
		 ) SELECT event_id FROM up WHERE type IN ('dose', 'not-vaccinated') LIMIT 1`,
		[eventId]
	);
	return rows[0]?.event_id ?? null;
}

/**
 * Recomputes one dose's current record from every event in its chain: the latest correction
 * (by recordedAt, then event id) defines the fields; any void voids it. A deterministic
 * function of the set of events, so arrival order does not matter.
 */
export async function refreshRecord(tx: SqlExecutor, rootId: string): Promise<void> {
	const { rows } = await tx.query<{ event_id: string; type: string; payload: DoseEvent }>(
		`WITH RECURSIVE chain AS (
		   SELECT event_id, type, payload, recorded_at, 0 AS depth FROM dose_events WHERE event_id = $1
		   UNION ALL
		   SELECT e.event_id, e.type, e.payload, e.recorded_at, c.depth + 1 FROM dose_events e JOIN chain c ON e.replaces = c.event_id WHERE c.depth < 1000
		 ) SELECT event_id, type, payload FROM chain ORDER BY recorded_at, event_id`,
		[rootId]
	);
	const root = rows.find((r) => r.event_id === rootId);
	if (!root) return;
	const corrections = rows.filter((r) => r.type === 'correction');
	const current = corrections.at(-1) ?? root;
	const record = recordOf(typeof current.payload === 'string' ? JSON.parse(current.payload) : current.payload);
	if (!record) return;
	const voided = rows.some((r) => r.type === 'void');
	await tx.query(
		`INSERT INTO dose_records (${RECORD_COLUMNS}) VALUES ${placeholders(1, 13)}
		 ON CONFLICT (record_id) DO UPDATE SET current_event_id = $2, status = $3, outcome = $4, municipality = $5, ticket_number = $6,
		   dose_number = $7, given_at = $8, site_code = $9, product = $10, lot = $11, record = $12, versions = $13`,
		recordRow(rootId, current.event_id, voided, record, rows.length)
	);
}
