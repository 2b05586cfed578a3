import type { DoseEvent } from '../../shared/index';
import type { SqlExecutor } from './sql';

interface RecordFields {
	municipality: string;
	ticketNumber: string;
	doseNumber: number;
	givenAt: string;
}

/** The record an event carries: its own fields, a correction's replacement, or none. */
function recordFieldsOf(ev: DoseEvent): RecordFields | null {
	const candidate = (ev.type === 'correction' ? (ev as { record?: unknown }).record : ev) as Partial<RecordFields> | undefined;
	if (!candidate || typeof candidate.ticketNumber !== 'string') return null;
	return candidate as RecordFields;
}

/**
 * Projects events of one stored update into dose_events: one row per event, keyed by the
 * event id so an event that arrives again inside another update is not projected twice.
 * Used by ingest and by `ledger rebuild`, so live and rebuilt tables cannot differ.
 */
export async function projectEvents(
	tx: SqlExecutor,
	u: { batchId: string; deviceId: string; seq: number; events: readonly DoseEvent[] }
): Promise<void> {
	for (const ev of u.events) {
		const rec = recordFieldsOf(ev);
		await tx.query(
			`INSERT INTO dose_events (event_id, batch_id, device_id, update_seq, type, municipality, ticket_number,
			   dose_number, given_at, recorded_at, payload)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (event_id) DO NOTHING`,
			[ev.id, u.batchId, u.deviceId, u.seq, ev.type, rec?.municipality ?? null, rec?.ticketNumber ?? null, rec?.doseNumber ?? null, rec?.givenAt ?? null, ev.recordedAt, JSON.stringify(ev)]
		);
	}
}
