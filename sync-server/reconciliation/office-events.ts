import { newId } from '#shared/ids';
import { type CorrectionEvent, type EventValidator, type EventError, type VoidEvent } from '#shared/index';
import { projectOfficeEvent } from '../ledger/office-projection';
import type { SqlExecutor } from '../ledger/sql';

/**
 * Corrections and voids made by a back-office user. Like a device's, each is a new event naming
 * the version it replaces, with a reason; nothing is overwritten. It has no device signature,
 * so office_events (append-only) stores who made it, when and why, and the event is projected
 * into dose_events with office_seq as its source. The payload is checked with the shared event
 * schema and catalog rules: its `batch` and `device` are the record's batch and that batch's
 * device (dose_events rows belong to a batch), `operator` is the fixed code OFFICE_OPERATOR;
 * the person is office_events.user_id. A supervisor's close of a batch on its device's behalf is
 * an office event too (office-close.ts), projected by the same code.
 */
export const OFFICE_OPERATOR = 'office';

export interface OfficeAuthor {
	id: string;
	username: string;
}

export type OfficeEventRequest =
	| { type: 'void'; recordId: string; reason: string }
	| { type: 'correction'; recordId: string; reason: string; changes: Record<string, unknown> };

export type OfficeEventResult =
	| {
			ok: true;
			event: CorrectionEvent | VoidEvent;
			seq: number;
			previous: { municipality: string; ticketNumber: string };
	  }
	| {
			ok: false;
			status: 404 | 409 | 400;
			code: 'RECORD_UNKNOWN' | 'RECORD_VOIDED' | 'NO_CHANGE' | 'INVALID_EVENT';
			message: string;
			errors?: EventError[];
	  };

const parse = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** The corrected record: the current one with the changed fields (the vaccine merged field by field). */
export function applyChanges(
	current: Record<string, unknown>,
	changes: Record<string, unknown>
): Record<string, unknown> {
	const merged: Record<string, unknown> = { ...current, ...changes };
	const vaccine = changes.vaccine;
	if (
		vaccine &&
		typeof vaccine === 'object' &&
		!Array.isArray(vaccine) &&
		current.vaccine &&
		typeof current.vaccine === 'object'
	) {
		merged.vaccine = { ...(current.vaccine as Record<string, unknown>), ...(vaccine as Record<string, unknown>) };
	}
	return merged;
}

/** Sorted-key JSON, to tell a correction that changes nothing. */
const canonical = (v: unknown): string =>
	Array.isArray(v)
		? `[${v.map(canonical).join(',')}]`
		: v !== null && typeof v === 'object'
			? `{${Object.keys(v as object)
					.sort()
					.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
					.join(',')}}`
			: JSON.stringify(v);

/**
 * Appends an office correction or void and projects it, in the caller's transaction. `validate`
 * is the current stored catalogue's (sync-server/catalog): an office correction follows the
 * catalogue as it is now.
 */
export async function appendOfficeEvent(
	tx: SqlExecutor,
	req: OfficeEventRequest,
	author: OfficeAuthor,
	itemId: number | null,
	validate: EventValidator
): Promise<OfficeEventResult> {
	const { rows } = await tx.query<{
		current_event_id: string;
		status: string;
		record: unknown;
		batch_id: string;
		device_id: string;
		municipality: string;
		ticket_number: string;
	}>(
		`SELECT r.current_event_id, r.status, r.record, e.batch_id, b.device_id, r.municipality, r.ticket_number
		 FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id JOIN batches b ON b.id = e.batch_id
		 WHERE r.record_id = $1 FOR UPDATE OF r`,
		[req.recordId]
	);
	const rec = rows[0];
	if (!rec) return { ok: false, status: 404, code: 'RECORD_UNKNOWN', message: 'no such record' };
	if (rec.status === 'voided')
		return { ok: false, status: 409, code: 'RECORD_VOIDED', message: 'この記録はすでに取り消されています。' };
	const base = {
		id: newId(),
		batch: rec.batch_id,
		device: rec.device_id,
		operator: OFFICE_OPERATOR,
		recordedAt: new Date().toISOString()
	};
	let candidate: Record<string, unknown>;
	if (req.type === 'void') candidate = { ...base, type: 'void', replaces: rec.current_event_id, reason: req.reason };
	else {
		const current = parse<Record<string, unknown>>(rec.record);
		const record = applyChanges(current, req.changes);
		if (canonical(record) === canonical(current))
			return { ok: false, status: 400, code: 'NO_CHANGE', message: '訂正する項目が変更されていません。' };
		candidate = { ...base, type: 'correction', replaces: rec.current_event_id, reason: req.reason, record };
	}
	const checked = validate(candidate);
	if (!checked.ok)
		return {
			ok: false,
			status: 400,
			code: 'INVALID_EVENT',
			message: checked.errors.map((e) => e.message).join(' / '),
			errors: checked.errors
		};
	const event = checked.event as CorrectionEvent | VoidEvent;
	const stored = await tx.query<{ seq: number }>(
		`INSERT INTO office_events (event_id, type, replaces, record_id, batch_id, user_id, username, reason, item_id, payload)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq`,
		[
			event.id,
			event.type,
			event.replaces,
			req.recordId,
			rec.batch_id,
			author.id,
			author.username,
			event.reason,
			itemId,
			JSON.stringify(event)
		]
	);
	const seq = Number(stored.rows[0]!.seq);
	await projectOfficeEvent(tx, { seq, recordId: req.recordId, deviceId: rec.device_id, event });
	return { ok: true, event, seq, previous: { municipality: rec.municipality, ticketNumber: rec.ticket_number } };
}
