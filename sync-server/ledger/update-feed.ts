import type { SqlExecutor } from './sql';

/** A stored raw update with the batch facts a venue view needs, read by seq. */
export interface RemoteUpdate {
	seq: number;
	batchId: string;
	deviceId: string;
	siteCode: string;
	serviceDay: string;
	update: Uint8Array;
}

/** The highest seq of the stored updates (0 when none): where a process starts listening. */
export async function latestUpdateSeq(db: SqlExecutor): Promise<number> {
	const { rows } = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM sync_updates');
	return Number(rows[0]?.seq ?? 0);
}

/**
 * The updates of these seqs (those not visible yet, or never committed, are left out), or every
 * update after a seq; in seq order.
 */
export async function readUpdates(
	db: SqlExecutor,
	which: { seqs: readonly number[] } | { after: number }
): Promise<RemoteUpdate[]> {
	const [where, seq] = 'seqs' in which ? ['u.seq = ANY($1::bigint[])', which.seqs] : ['u.seq > $1', which.after];
	const { rows } = await db.query<{
		seq: number;
		batch_id: string;
		device_id: string;
		update: Uint8Array;
		site_code: string;
		service_day: string;
	}>(
		`SELECT u.seq, u.batch_id, u.device_id, u.update, b.site_code, to_char(b.service_day, 'YYYY-MM-DD') AS service_day
		 FROM sync_updates u JOIN batches b ON b.id = u.batch_id WHERE ${where} ORDER BY u.seq`,
		[seq]
	);
	return rows.map((r) => ({
		seq: Number(r.seq),
		batchId: r.batch_id,
		deviceId: r.device_id,
		siteCode: r.site_code,
		serviceDay: r.service_day,
		update: new Uint8Array(r.update)
	}));
}

/** The batches of a site's service day written by devices other than this one: a venue view's documents. */
export async function venueBatchIds(
	db: SqlExecutor,
	venue: { siteCode: string; serviceDay: string; exceptDevice: string }
): Promise<string[]> {
	const { rows } = await db.query<{ id: string }>(
		'SELECT id FROM batches WHERE site_code = $1 AND service_day = $2 AND device_id <> $3 ORDER BY id',
		[venue.siteCode, venue.serviceDay, venue.exceptDevice]
	);
	return rows.map((r) => r.id);
}
