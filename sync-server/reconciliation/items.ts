import type { Catalogs } from '../catalog/catalogs';
import type { Item } from '#shared/office/reconciliation-api';
import type { ItemStatus, Reason } from '#shared/office/reconciliation';

export type { Item };
import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import type { TicketKey } from './facts';
import { appendOfficeEvent, type OfficeAuthor } from './office-events';
import { recordRefused } from './refused-actions';
import { batchScope, runRules } from './run';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

/** The review queue: items and the actions a person takes on them. */

export interface ItemFilter {
	reason?: string | undefined;
	status?: string | undefined;
	batch?: string | undefined;
	municipality?: string | undefined;
	ticket?: string | undefined;
	id?: number | undefined;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export async function listItems(db: SqlExecutor, f: ItemFilter): Promise<Item[]> {
	const { rows } = await db.query<Record<string, unknown>>(
		`SELECT i.*, b.site_code, to_char(b.service_day, 'YYYY-MM-DD') AS service_day, u.username AS resolved_by_name
		 FROM reconciliation_items i
		 LEFT JOIN batches b ON b.id = i.batch_id
		 LEFT JOIN office_users u ON u.id = i.resolved_by
		 WHERE ($1::text IS NULL OR i.reason = $1) AND ($2::text IS NULL OR i.status = $2) AND ($3::text IS NULL OR i.batch_id = $3)
		   AND ($4::text IS NULL OR i.municipality = $4) AND ($5::text IS NULL OR i.ticket_number = $5) AND ($6::bigint IS NULL OR i.id = $6)
		 ORDER BY i.id LIMIT 1000`,
		[f.reason ?? null, f.status ?? null, f.batch ?? null, f.municipality ?? null, f.ticket ?? null, f.id ?? null]
	);
	return rows.map((r) => ({
		id: Number(r.id),
		reason: r.reason as Reason,
		status: r.status as ItemStatus,
		batchId: r.batch_id as string,
		siteCode: (r.site_code as string | null) ?? null,
		serviceDay: (r.service_day as string | null) ?? null,
		recordId: (r.record_id as string | null) ?? null,
		eventId: (r.event_id as string | null) ?? null,
		municipality: (r.municipality as string | null) ?? null,
		ticketNumber: (r.ticket_number as string | null) ?? null,
		doseNumber: r.dose_number === null ? null : Number(r.dose_number),
		details:
			typeof r.details === 'string'
				? (JSON.parse(r.details) as Record<string, unknown>)
				: (r.details as Record<string, unknown>),
		note: (r.note as string | null) ?? null,
		createdAt: iso(r.created_at)!,
		resolvedBy: (r.resolved_by_name as string | null) ?? null,
		resolvedAt: iso(r.resolved_at)
	}));
}

export type ItemAction =
	| { action: 'accept'; note: string }
	| { action: 'report'; note: string | null }
	| { action: 'void'; reason: string }
	| { action: 'correct'; reason: string; changes: Record<string, unknown> }
	/** A refused record: recorded again from its content, fixed (refused-actions.ts). */
	| { action: 'record'; reason: string; changes: Record<string, unknown> }
	/** A refused record the office decides not to record. */
	| { action: 'dismiss'; reason: string };

export type ItemActionResult =
	| { ok: true; item: Item; eventId: string | null }
	| { ok: false; status: 400 | 404 | 409; code: string; message: string; errors?: unknown };

const STATUS_OF = {
	accept: 'accepted',
	report: 'reported',
	void: 'voided',
	correct: 'corrected',
	record: 'corrected',
	dismiss: 'dismissed'
} as const;

/**
 * One action on one open item, in one transaction with its audit entry: the item's decision,
 * for void and correct the office event (never an overwrite), and a run of the rules over the
 * ticket(s) and batch the change touches, so the queue is right when the answer arrives.
 */
export async function actOnItem(
	db: SqlDatabase,
	tenant: string,
	id: number,
	act: ItemAction,
	user: OfficeAuthor & AuditActor,
	catalogs: Catalogs
): Promise<ItemActionResult> {
	return db.transaction(async (tx): Promise<ItemActionResult> => {
		const catalog = await catalogs.current(tx);
		await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.reconciliation]);
		const { rows } = await tx.query<{
			status: string;
			reason: string;
			record_id: string | null;
			batch_id: string;
			details: unknown;
		}>('SELECT status, reason, record_id, batch_id, details FROM reconciliation_items WHERE id = $1 FOR UPDATE', [id]);
		const item = rows[0];
		if (!item) return { ok: false, status: 404, code: 'ITEM_UNKNOWN', message: 'no such item' };
		if (item.status !== 'open')
			return {
				ok: false,
				status: 409,
				code: 'ITEM_NOT_OPEN',
				message: `この確認事項は処理済みです（${item.status}）。`
			};
		if (act.action === 'report' && item.reason !== 'other-municipality') {
			return {
				ok: false,
				status: 409,
				code: 'NOT_REPORTABLE',
				message: '他自治体の接種券の確認事項だけを「報告済」にできます。'
			};
		}
		let eventId: string | null = null;
		const tickets: TicketKey[] = [];
		// The batches the rules look at again: the item's, and the one a recorded refusal went into.
		const batches = new Set([item.batch_id]);
		if (act.action === 'record' || act.action === 'dismiss') {
			if (item.reason !== 'refused-update')
				return {
					ok: false,
					status: 409,
					code: 'NOT_REFUSED_ITEM',
					message: '受付拒否された記録の確認事項だけを記録し直し・却下できます。'
				};
		}
		if (act.action === 'record') {
			const details = (typeof item.details === 'string' ? JSON.parse(item.details) : item.details) as {
				refusedEventId?: unknown;
			};
			if (typeof details.refusedEventId !== 'number') {
				return {
					ok: false,
					status: 409,
					code: 'REFUSED_CONTENT_WITHHELD',
					message:
						'この受付拒否には記録の内容が保存されていません（この版より前の拒否）。予診票から新しく記録するか、却下してください。'
				};
			}
			const result = await recordRefused(
				tx,
				details.refusedEventId,
				{ reason: act.reason, changes: act.changes },
				user,
				id,
				catalog.validate
			);
			if (!result.ok)
				return { ok: false, status: result.status, code: result.code, message: result.message, errors: result.errors };
			eventId = result.event.id;
			batches.add(result.event.batch);
			tickets.push({ municipality: result.event.municipality, ticketNumber: result.event.ticketNumber });
		}
		if (act.action === 'void' || act.action === 'correct') {
			if (!item.record_id)
				return {
					ok: false,
					status: 409,
					code: 'ITEM_HAS_NO_RECORD',
					message: 'この確認事項には訂正・取消できる記録がありません（承認メモで処理してください）。'
				};
			const result = await appendOfficeEvent(
				tx,
				act.action === 'void'
					? { type: 'void', recordId: item.record_id, reason: act.reason }
					: { type: 'correction', recordId: item.record_id, reason: act.reason, changes: act.changes },
				user,
				id,
				catalog.validate
			);
			if (!result.ok)
				return { ok: false, status: result.status, code: result.code, message: result.message, errors: result.errors };
			eventId = result.event.id;
			tickets.push(result.previous);
			if (result.event.type === 'correction')
				tickets.push({
					municipality: result.event.record.municipality,
					ticketNumber: result.event.record.ticketNumber
				});
		}
		const note = act.action === 'accept' || act.action === 'report' ? act.note : act.reason;
		await tx.query(
			`UPDATE reconciliation_items SET status = $2, note = $3, resolved_by = $4, resolved_at = now() WHERE id = $1`,
			[id, STATUS_OF[act.action], note, user.id]
		);
		await runRules(tx, tenant, await batchScope(tx, [...batches], tickets), catalog.catalog);
		await appendAudit(tx, {
			actor: { id: user.id, name: user.name },
			action: `reconcile.${act.action}`,
			target: `item:${id}`,
			detail: { reason: item.reason, batchId: item.batch_id, recordId: item.record_id, eventId }
		});
		return { ok: true, item: (await listItems(tx, { id }))[0]!, eventId };
	});
}
