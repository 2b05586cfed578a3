import type { Catalogs } from '../catalog/catalogs';
import type { BatchSummary } from '#shared/office/reconciliation-api';
import type { BatchState } from '#shared/office/reconciliation';

export type { BatchSummary };
import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import { CLOSE_IN_FORCE_ORDER } from './facts';
import { batchScope, runRules } from './run';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

/** Batches for the back office: counts, paper tally, state, last sync, refused updates, open items. */

export interface BatchFilter {
	state?: string | undefined;
	day?: string | undefined;
	site?: string | undefined;
	id?: string | undefined;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export async function listBatches(db: SqlExecutor, f: BatchFilter): Promise<BatchSummary[]> {
	const { rows } = await db.query<Record<string, unknown>>(
		`SELECT b.id, b.device_id, d.label AS device_label, d.status AS device_status, b.site_code, to_char(b.service_day, 'YYYY-MM-DD') AS service_day, b.state,
		   coalesce(c.doses, 0) AS doses, coalesce(c.not_vaccinated, 0) AS not_vaccinated, coalesce(c.voided, 0) AS voided,
		   k.paper_tally, k.closed_at, k.office_seq AS close_office_seq,
		   oc.username AS office_close_by, oc.created_at AS office_close_at, (oc.payload->>'paperTally')::int AS office_close_tally, oc.reason AS office_close_reason,
		   (SELECT max(s.received_at) FROM sync_updates s WHERE s.batch_id = b.id) AS last_sync_at,
		   (SELECT count(*)::int FROM refused_updates r WHERE r.batch_id = b.id) AS refused_updates,
		   (SELECT count(*)::int FROM reconciliation_items i WHERE i.batch_id = b.id AND i.status = 'open') AS open_items,
		   cu.username AS checked_by, b.checked_at, au.username AS approved_by, b.approved_at
		 FROM batches b
		 JOIN devices d ON d.id = b.device_id
		 LEFT JOIN LATERAL (
		   SELECT count(*) FILTER (WHERE r.status = 'active' AND r.outcome = 'dose')::int AS doses,
		          count(*) FILTER (WHERE r.status = 'active' AND r.outcome = 'not-vaccinated')::int AS not_vaccinated,
		          count(*) FILTER (WHERE r.status = 'voided')::int AS voided
		   FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id WHERE e.batch_id = b.id) c ON true
		 LEFT JOIN LATERAL (
		   SELECT (payload->>'paperTally')::int AS paper_tally, payload->>'recordedAt' AS closed_at, office_seq FROM dose_events
		   WHERE batch_id = b.id AND type = 'batch-close' ORDER BY ${CLOSE_IN_FORCE_ORDER} LIMIT 1) k ON true
		 LEFT JOIN LATERAL (
		   SELECT username, created_at, payload, reason FROM office_events
		   WHERE batch_id = b.id AND type = 'batch-close' ORDER BY seq DESC LIMIT 1) oc ON true
		 LEFT JOIN office_users cu ON cu.id = b.checked_by
		 LEFT JOIN office_users au ON au.id = b.approved_by
		 WHERE ($1::text IS NULL OR b.state = $1) AND ($2::date IS NULL OR b.service_day = $2::date)
		   AND ($3::text IS NULL OR b.site_code = $3) AND ($4::text IS NULL OR b.id = $4)
		 ORDER BY b.service_day DESC, b.site_code, b.id LIMIT 500`,
		[f.state ?? null, f.day ?? null, f.site ?? null, f.id ?? null]
	);
	return rows.map((r) => ({
		id: r.id as string,
		deviceId: r.device_id as string,
		deviceLabel: r.device_label as string,
		deviceStatus: r.device_status as BatchSummary['deviceStatus'],
		siteCode: r.site_code as string,
		serviceDay: r.service_day as string,
		state: r.state as BatchState,
		doses: Number(r.doses),
		notVaccinated: Number(r.not_vaccinated),
		voided: Number(r.voided),
		paperTally: r.paper_tally === null ? null : Number(r.paper_tally),
		closedAt: (r.closed_at as string | null) ?? null,
		closedBy: r.paper_tally === null ? null : r.close_office_seq === null ? 'device' : 'office',
		officeClose:
			r.office_close_by === null
				? null
				: {
						by: r.office_close_by as string,
						at: iso(r.office_close_at)!,
						paperTally: Number(r.office_close_tally),
						reason: r.office_close_reason as string
					},
		lastSyncAt: iso(r.last_sync_at),
		refusedUpdates: Number(r.refused_updates),
		openItems: Number(r.open_items),
		checkedBy: (r.checked_by as string | null) ?? null,
		checkedAt: iso(r.checked_at),
		approvedBy: (r.approved_by as string | null) ?? null,
		approvedAt: iso(r.approved_at)
	}));
}

export async function batchRecords(db: SqlExecutor, batchId: string) {
	const { rows } = await db.query<Record<string, unknown>>(
		`SELECT r.record_id, r.status, r.outcome, r.municipality, r.ticket_number, r.dose_number, r.record->>'givenAt' AS given_at,
		   r.product, r.lot, r.versions
		 FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id WHERE e.batch_id = $1 ORDER BY r.given_at, r.record_id`,
		[batchId]
	);
	return rows.map((r) => ({
		recordId: r.record_id as string,
		status: r.status as string,
		outcome: r.outcome as string,
		municipality: r.municipality as string,
		ticketNumber: r.ticket_number as string,
		doseNumber: Number(r.dose_number),
		givenAt: r.given_at as string,
		product: r.product as string | null,
		lot: r.lot as string | null,
		versions: Number(r.versions)
	}));
}

export async function batchRefusals(db: SqlExecutor, batchId: string) {
	const { rows } = await db.query<{
		id: number;
		code: string;
		message: string;
		event_ids: unknown;
		refused_at: string;
	}>('SELECT id, code, message, event_ids, refused_at FROM refused_updates WHERE batch_id = $1 ORDER BY id', [batchId]);
	return rows.map((r) => ({
		id: Number(r.id),
		code: r.code,
		message: r.message,
		eventIds: typeof r.event_ids === 'string' ? (JSON.parse(r.event_ids) as string[]) : (r.event_ids as string[]),
		refusedAt: iso(r.refused_at)
	}));
}

export type BatchStepResult =
	| { ok: true; batch: BatchSummary }
	| {
			ok: false;
			status: 404 | 409;
			code: 'BATCH_UNKNOWN' | 'BATCH_NOT_RECEIVED' | 'BATCH_NOT_CHECKED' | 'BATCH_HAS_OPEN_ITEMS';
			message: string;
	  };

const STEP = {
	check: { from: 'received', to: 'checked', notReady: 'BATCH_NOT_RECEIVED', audit: 'batch.check', fromLabel: '受領済' },
	approve: {
		from: 'checked',
		to: 'approved',
		notReady: 'BATCH_NOT_CHECKED',
		audit: 'batch.approve',
		fromLabel: '確認済'
	}
} as const;

/**
 * Staff mark a received batch checked; a supervisor approves a checked one (roles are the
 * route's). Both judge the batch on a fresh run of the rules in the same transaction, so an
 * item that a just-arrived event raised cannot be missed, and refuse while any item is open.
 */
export async function advanceBatch(
	db: SqlDatabase,
	tenant: string,
	batchId: string,
	step: keyof typeof STEP,
	actor: AuditActor,
	catalogs: Catalogs
): Promise<BatchStepResult> {
	const s = STEP[step];
	return db.transaction(async (tx) => {
		// The rules' lock first, then the row: the order every rules run takes them in.
		await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.reconciliation]);
		const found = await tx.query<{ state: BatchState }>('SELECT state FROM batches WHERE id = $1 FOR UPDATE', [
			batchId
		]);
		if (!found.rows[0])
			return { ok: false as const, status: 404 as const, code: 'BATCH_UNKNOWN' as const, message: 'no such batch' };
		await runRules(tx, tenant, await batchScope(tx, [batchId]), (await catalogs.current(tx)).catalog);
		const { rows } = await tx.query<{ state: BatchState; open: number }>(
			`SELECT state, (SELECT count(*)::int FROM reconciliation_items WHERE batch_id = $1 AND status = 'open') AS open FROM batches WHERE id = $1`,
			[batchId]
		);
		const b = rows[0]!;
		if (b.open > 0) {
			return {
				ok: false as const,
				status: 409 as const,
				code: 'BATCH_HAS_OPEN_ITEMS' as const,
				message: `未処理の確認事項が ${b.open} 件あります。すべて処理してから操作してください。`
			};
		}
		if (b.state !== s.from) {
			return {
				ok: false as const,
				status: 409 as const,
				code: s.notReady,
				message: `${s.fromLabel}のバッチだけが対象です（現在の状態: ${b.state}）。`
			};
		}
		const who = step === 'check' ? 'checked' : 'approved';
		await tx.query(
			`UPDATE batches SET state = $2, state_changed_at = now(), ${who}_by = $3, ${who}_at = now() WHERE id = $1`,
			[batchId, s.to, actor.id]
		);
		await appendAudit(tx, { actor, action: s.audit, target: batchId, detail: { from: s.from, to: s.to } });
		return { ok: true as const, batch: (await listBatches(tx, { id: batchId }))[0]! };
	});
}
