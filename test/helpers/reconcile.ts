import type { SqlExecutor } from '../../sync-server/ledger/sql';
import { newId } from '#shared/ids';
import type { BatchCloseEvent } from '#shared/index';
import type { MemoryDevice } from './memory-device';

/** The batch-close event a station appends when it closes its day with the paper 予診票 tally. */
export function batchClose(d: MemoryDevice, paperTally: number, day = '2026-11-22'): BatchCloseEvent {
	return {
		id: newId(),
		type: 'batch-close',
		batch: d.batchFor(day),
		device: d.identity.deviceId,
		operator: 'N001',
		recordedAt: `${day}T09:00:00.000Z`,
		paperTally
	};
}

export interface RegisterRow {
	municipality: string;
	ticketNumber: string;
	eligibleDoses?: number[];
	movedOutOn?: string | null;
	deceasedOn?: string | null;
}

/** Puts tickets in the register directly (the register import has its own tests). */
export async function putRegister(db: SqlExecutor, rows: RegisterRow[]): Promise<void> {
	const importId = newId();
	await db.query(
		`INSERT INTO register_imports (id, file_name, encoding, file_sha256, file_bytes, total_rows, valid_rows, error_rows, errors, municipalities,
		   ignored_columns, state, created_by_name)
		 VALUES ($1, 'test.csv', 'utf-8', '\\x00', 0, $2, $2, 0, '[]', '{}', '[]', 'committed', 'test')`,
		[importId, rows.length]
	);
	for (const r of rows) {
		await db.query(
			`INSERT INTO register_tickets (municipality, ticket_number, eligible_doses, moved_out_on, deceased_on, import_id) VALUES ($1, $2, $3, $4, $5, $6)`,
			[
				r.municipality,
				r.ticketNumber,
				r.eligibleDoses ?? [1, 2, 3, 4, 5, 6],
				r.movedOutOn ?? null,
				r.deceasedOn ?? null,
				importId
			]
		);
	}
}
