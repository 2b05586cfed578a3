import type { Catalogs } from '../catalog/catalogs';
import { newId } from '#shared/ids';
import type { BatchCloseEvent } from '#shared/index';
import type { BatchSummary } from '#shared/office/reconciliation-api';
import type { BatchState } from '#shared/office/reconciliation';
import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { SqlDatabase } from '../ledger/sql';
import { listBatches } from './batches';
import { projectOfficeEvent } from '../ledger/office-projection';
import { OFFICE_OPERATOR, type OfficeAuthor } from './office-events';
import { batchScope, runRules } from './run';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

/**
 * A supervisor closes a batch on its device's behalf: the tablet was lost, broken or stolen and
 * will never send its close of day, so without this its batch stayed 'open' for good and its
 * doses could never be checked, approved or exported.
 *
 * How it is stored (so `ledger rebuild` reproduces it): an office event, like the office's
 * corrections and voids. office_events (append-only) holds the supervisor, the time, the reason
 * and the payload — a batch-close event valid under the shared event schema (operator
 * OFFICE_OPERATOR, device and batch the batch's own, paperTally the paper 予診票 the office
 * counted) — and it is projected into dose_events (office_seq as its source). So the tally rule,
 * the batch list and the rebuild read it exactly as they read a device's close; no new table and
 * no second code path. A new event kind on the wire was not needed: the device never sees it.
 *
 * Which tally counts (facts.ts, CLOSE_IN_FORCE_ORDER): the device's own close if it ever
 * arrives, else the office's. A device close arriving after the office's changes no state (only
 * an open batch becomes closed); the tally rule compares its tally from then on.
 *
 * Late events: the office close stores the last raw update of the batch the ledger held
 * (through_update_seq). Whatever the device sends later is accepted and receipted as always (a
 * dose is never refused for arriving late); its records, corrections and voids raise a
 * `late-after-close` item (rules/batch-rules.ts), and the rules take the batch back to 'received'
 * from wherever it was — checked, approved or exported — so it is looked at, checked, approved
 * and exported again (run.ts). Ingest holds the batch row while it stores an update (the raw
 * update's foreign key), and the close locks that row first, so an update is either before the
 * close (in its through_update_seq) or after it, never lost between the two.
 */

export interface OfficeCloseRequest {
	/** The paper 予診票 the office counted for this batch (0–100000, like a station's). */
	paperTally: number;
	/** Why the office closes it (lost, broken…): stored with the event and in the audit log. */
	reason: string;
}

export type OfficeCloseResult =
	| { ok: true; batch: BatchSummary; eventId: string }
	| { ok: false; status: 400 | 404 | 409; code: 'BATCH_UNKNOWN' | 'BATCH_NOT_OPEN' | 'INVALID_EVENT'; message: string };

const STATE_LABEL: Record<BatchState, string> = {
	open: '受信中',
	closed: '締め済',
	received: '受領済',
	checked: '確認済',
	approved: '承認済',
	exported: '出力済'
};

/**
 * Closes an open batch for its device, in one transaction with its audit entry and a run of the
 * rules over the batch (so the tally is judged, and the batch moves on to received, before the
 * answer). Refuses an unknown batch (404) and one that is not open (409): a device or the
 * office closed it already.
 */
export async function closeBatchForDevice(
	db: SqlDatabase,
	tenant: string,
	batchId: string,
	req: OfficeCloseRequest,
	user: OfficeAuthor & AuditActor,
	catalogs: Catalogs
): Promise<OfficeCloseResult> {
	return db.transaction(async (tx): Promise<OfficeCloseResult> => {
		const catalog = await catalogs.current(tx);
		// The rules' lock first, then the row: the order every rules run takes them in.
		await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.reconciliation]);
		// FOR UPDATE conflicts with the key-share lock an update's insert takes on its batch row:
		// no update of this batch commits between reading through_update_seq and the close.
		const found = await tx.query<{ state: BatchState; device_id: string; device_status: string }>(
			`SELECT b.state, b.device_id, d.status AS device_status FROM batches b JOIN devices d ON d.id = b.device_id WHERE b.id = $1 FOR UPDATE OF b`,
			[batchId]
		);
		const batch = found.rows[0];
		if (!batch) return { ok: false, status: 404, code: 'BATCH_UNKNOWN', message: 'no such batch' };
		if (batch.state !== 'open') {
			return {
				ok: false,
				status: 409,
				code: 'BATCH_NOT_OPEN',
				message: `受信中（締められていない）のバッチだけを締められます（現在の状態: ${STATE_LABEL[batch.state]}）。`
			};
		}
		const through = await tx.query<{ seq: number | null }>(
			'SELECT max(seq) AS seq FROM sync_updates WHERE batch_id = $1',
			[batchId]
		);
		const throughSeq = Number(through.rows[0]?.seq ?? 0);
		const candidate: BatchCloseEvent = {
			id: newId(),
			type: 'batch-close',
			batch: batchId,
			device: batch.device_id,
			operator: OFFICE_OPERATOR,
			recordedAt: new Date().toISOString(),
			paperTally: req.paperTally
		};
		const checked = catalog.validate(candidate);
		if (!checked.ok)
			return {
				ok: false,
				status: 400,
				code: 'INVALID_EVENT',
				message: checked.errors.map((e) => e.message).join(' / ')
			};
		const event = checked.event as BatchCloseEvent;
		const stored = await tx.query<{ seq: number }>(
			`INSERT INTO office_events (event_id, type, replaces, record_id, batch_id, user_id, username, reason, item_id, payload, through_update_seq)
			 VALUES ($1, 'batch-close', NULL, NULL, $2, $3, $4, $5, NULL, $6, $7) RETURNING seq`,
			[event.id, batchId, user.id, user.username, req.reason, JSON.stringify(event), throughSeq]
		);
		await projectOfficeEvent(tx, {
			seq: Number(stored.rows[0]!.seq),
			recordId: null,
			deviceId: batch.device_id,
			event
		});
		await runRules(tx, tenant, await batchScope(tx, [batchId]), catalog.catalog);
		const summary = (await listBatches(tx, { id: batchId }))[0]!;
		await appendAudit(tx, {
			actor: { id: user.id, name: user.name },
			action: 'batch.close',
			target: batchId,
			detail: {
				eventId: event.id,
				paperTally: event.paperTally,
				reason: req.reason,
				records: summary.doses + summary.notVaccinated,
				deviceStatus: batch.device_status,
				throughUpdateSeq: throughSeq
			}
		});
		return { ok: true, batch: summary, eventId: event.id };
	});
}
