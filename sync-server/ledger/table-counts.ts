import type { Ledger } from './ledger';

/** How many devices, batches, raw updates and dose events the ledger holds (`ledger stats`). */
export async function tableCounts(
	ledger: Ledger
): Promise<{ devices: number; batches: number; updates: number; events: number }> {
	const { rows } = await ledger.db.query<{ devices: number; batches: number; updates: number; events: number }>(
		`SELECT (SELECT count(*) FROM devices)::int AS devices, (SELECT count(*) FROM batches)::int AS batches,
		        (SELECT count(*) FROM sync_updates)::int AS updates, (SELECT count(*) FROM dose_events)::int AS events`
	);
	return rows[0]!;
}
