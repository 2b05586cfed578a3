import { JAPAN_UTC_OFFSET_MINUTES, japanMidnight } from '#shared/domain/japan-time';
import type { SqlExecutor } from '../ledger/sql';

/** Japan has no daylight saving time, so a JST hour is the UTC instant plus nine hours. */
const JST_OFFSET_S = JAPAN_UTC_OFFSET_MINUTES * 60;

export interface Dashboard {
	/** The JST service day the dose figures are for. */
	day: string;
	/** Doses given that day (current records, not voided, vaccinated), per venue and JST hour (0–23). */
	dosesByVenueHour: { siteCode: string; hour: number; doses: number }[];
	/** The same doses per product and lot. */
	dosesByLot: { product: string | null; lot: string | null; doses: number }[];
	/** Devices not revoked: time since last contact and what each last reported holding unreceipted. */
	devices: {
		id: string;
		label: string;
		siteCode: string;
		status: string;
		lastSeenAt: string | null;
		lagSeconds: number | null;
		unreceipted: number | null;
		unreceiptedReportedAt: string | null;
	}[];
	/** Open review-queue items per reason; null while the ledger has no queue. */
	openItemsByReason: { reason: string; items: number }[] | null;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

/** The back office's dashboard figures, computed from the ledger for one JST day. */
export async function dashboard(db: SqlExecutor, day: string): Promise<Dashboard> {
	const start = new Date(japanMidnight(day));
	const end = new Date(japanMidnight(day, 1));
	// Current records only (a correction moves a dose, a void removes it); "not vaccinated"
	// screenings are not doses.
	const todays = `FROM dose_records WHERE status = 'active' AND outcome = 'dose' AND given_at >= $1 AND given_at < $2`;
	const byHour = await db.query<{ site_code: string; hour: number; doses: number }>(
		`SELECT site_code, ((floor(extract(epoch FROM given_at))::bigint + ${JST_OFFSET_S}) / 3600 % 24)::int AS hour, count(*)::int AS doses
		 ${todays} GROUP BY 1, 2 ORDER BY 1, 2`,
		[start, end]
	);
	const byLot = await db.query<{ product: string | null; lot: string | null; doses: number }>(
		`SELECT product, lot, count(*)::int AS doses ${todays} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
		[start, end]
	);
	const devices = await db.query<Record<string, unknown>>(
		`SELECT id, label, site_code, status, last_seen_at, unreceipted_count, unreceipted_reported_at,
		        floor(extract(epoch FROM (now() - last_seen_at)))::int AS lag_seconds
		 FROM devices WHERE status <> 'revoked' ORDER BY site_code, label`
	);
	// The review queue arrives with reconciliation; until its table exists there is nothing open.
	const queue = await db.query<{ present: boolean }>(
		`SELECT to_regclass('reconciliation_items') IS NOT NULL AS present`
	);
	const open = queue.rows[0]?.present
		? (
				await db.query<{ reason: string; items: number }>(
					`SELECT reason, count(*)::int AS items FROM reconciliation_items WHERE status = 'open' GROUP BY 1 ORDER BY 2 DESC, 1`
				)
			).rows
		: null;
	return {
		day,
		dosesByVenueHour: byHour.rows.map((r) => ({ siteCode: r.site_code, hour: Number(r.hour), doses: Number(r.doses) })),
		dosesByLot: byLot.rows.map((r) => ({ product: r.product, lot: r.lot, doses: Number(r.doses) })),
		devices: devices.rows.map((r) => ({
			id: String(r.id),
			label: String(r.label),
			siteCode: String(r.site_code),
			status: String(r.status),
			lastSeenAt: iso(r.last_seen_at),
			lagSeconds: r.lag_seconds === null ? null : Math.max(0, Number(r.lag_seconds)),
			unreceipted: r.unreceipted_count === null ? null : Number(r.unreceipted_count),
			unreceiptedReportedAt: iso(r.unreceipted_reported_at)
		})),
		openItemsByReason: open ? open.map((r) => ({ reason: r.reason, items: Number(r.items) })) : null
	};
}
