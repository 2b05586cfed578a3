import * as Y from 'yjs';
import type { DoseEvent } from '#shared/index';
import { integrate } from '../ingest/check-update';
import { projectEvents } from './projection';
import { projectOfficeEvents } from './office-projection';
import type { SqlDatabase } from './sql';

/**
 * Recomputes every projection from the raw signed updates, the ledger's source of truth: each
 * batch's updates are replayed in the order they were stored, and the events each one added are
 * projected exactly as ingest projected them. Runs in one transaction: readers see the old
 * tables or the new ones.
 */
export async function rebuildProjections(
	db: SqlDatabase
): Promise<{ batches: number; updates: number; events: number }> {
	return db.transaction(async (tx) => {
		await tx.query('DELETE FROM dose_records');
		await tx.query('DELETE FROM dose_events');
		const batches = await tx.query<{ id: string; device_id: string }>('SELECT id, device_id FROM batches ORDER BY id');
		let updates = 0;
		let events = 0;
		for (const batch of batches.rows) {
			const doc = new Y.Doc({ gc: false });
			const seen = new Set<string>();
			const rows = await tx.query<{ seq: number; update: Uint8Array }>(
				'SELECT seq, update FROM sync_updates WHERE batch_id = $1 ORDER BY seq',
				[batch.id]
			);
			for (const row of rows.rows) {
				const added = valuesAddedBy(doc, new Uint8Array(row.update)).filter((ev) => !seen.has(ev.id));
				for (const ev of added) seen.add(ev.id);
				await projectEvents(tx, { batchId: batch.id, deviceId: batch.device_id, seq: Number(row.seq), events: added });
				updates++;
				events += added.length;
			}
			doc.destroy();
		}
		// Back-office corrections and voids, after every device event they may replace.
		events += await projectOfficeEvents(tx);
		return { batches: batches.rows.length, updates, events };
	});
}

/**
 * Applies one stored update to the batch document and returns the event values it added, in
 * array order: read exactly as ingest read them when it projected the update (integrate in
 * ingest/check-update.ts, which visits only the new structs, so replaying a batch is linear in
 * its size). A stored update passed that check once; one that no longer does is a corrupt ledger.
 */
export function valuesAddedBy(doc: Y.Doc, update: Uint8Array): DoseEvent[] {
	const integrated = integrate(doc, update);
	if (!integrated.ok) throw new Error(`a stored update no longer integrates: ${integrated.code} ${integrated.message}`);
	return integrated.values as DoseEvent[];
}
