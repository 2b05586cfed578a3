import { recordOf, type DoseEvent } from '#shared/index';
import { refreshRecord } from './projection';
import type { SqlExecutor } from './sql';

/*
 * Back-office events (office_events, appended by sync-server/reconciliation: corrections, voids,
 * a supervisor's close, refused records recorded again) projected into dose_events and the
 * current records, live and by `ledger rebuild`: the same code both times, as for device updates
 * (projection.ts).
 */

const parse = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/**
 * Projects one office event into dose_events (office_seq as its source). A correction or void
 * refreshes its record's current version, and so does a dose or 接種不適当 the office recorded
 * again from a refused one (its own record); a batch-close (office-close.ts) moves the batch open →
 * closed exactly as a device's close does (ledger/projection.ts), and never from a later state.
 */
export async function projectOfficeEvent(
	tx: SqlExecutor,
	o: { seq: number; recordId: string | null; deviceId: string; event: DoseEvent }
): Promise<void> {
	const ev = o.event;
	// A correction's corrected record, or a refused record the office recorded again (refused-actions.ts).
	const record = recordOf(ev);
	const replaces = ev.type === 'correction' || ev.type === 'void' ? ev.replaces : null;
	await tx.query(
		`INSERT INTO dose_events (event_id, batch_id, device_id, update_seq, office_seq, type, municipality, ticket_number, dose_number, given_at, recorded_at, replaces, payload)
		 VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		[
			ev.id,
			ev.batch,
			o.deviceId,
			o.seq,
			ev.type,
			record?.municipality ?? null,
			record?.ticketNumber ?? null,
			record?.doseNumber ?? null,
			record?.givenAt ?? null,
			ev.recordedAt,
			replaces,
			JSON.stringify(ev)
		]
	);
	if (ev.type === 'batch-close') {
		await tx.query(`UPDATE batches SET state = 'closed', state_changed_at = now() WHERE id = $1 AND state = 'open'`, [
			ev.batch
		]);
	}
	if (o.recordId !== null) await refreshRecord(tx, o.recordId);
}

/** `ledger rebuild`: projects every office event again (corrections, voids, closes), in the order they were made, after the device updates. */
export async function projectOfficeEvents(tx: SqlExecutor): Promise<number> {
	const { rows } = await tx.query<{ seq: number; record_id: string | null; payload: unknown; device_id: string }>(
		'SELECT o.seq, o.record_id, o.payload, b.device_id FROM office_events o JOIN batches b ON b.id = o.batch_id ORDER BY o.seq'
	);
	for (const r of rows)
		await projectOfficeEvent(tx, {
			seq: Number(r.seq),
			recordId: r.record_id,
			deviceId: r.device_id,
			event: parse<DoseEvent>(r.payload)
		});
	return rows.length;
}
