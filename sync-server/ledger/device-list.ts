import type { Ledger } from './ledger';

/** A batch of a device that its device has not closed yet (it stays 'open' until a close arrives). */
export interface OpenBatch {
	id: string;
	siteCode: string;
	serviceDay: string;
	/** Records the ledger holds for it (doses and 接種不適当, voided ones included). */
	records: number;
}

/** One enrolled device as the devices page lists it. */
export interface DeviceListing {
	id: string;
	label: string;
	setting: string;
	siteCode: string;
	status: string;
	enrolledAt: Date | string;
	lastSeenAt: Date | string | null;
	unreceipted: number | null;
	unreceiptedReportedAt: Date | string | null;
}

/** Every enrolled device, oldest enrolment first. */
export async function listDevices(ledger: Ledger): Promise<DeviceListing[]> {
	const { rows } = await ledger.db.query<DeviceListing>(
		`SELECT id, label, setting, site_code AS "siteCode", status, enrolled_at AS "enrolledAt", last_seen_at AS "lastSeenAt",
		        unreceipted_count AS "unreceipted", unreceipted_reported_at AS "unreceiptedReportedAt"
		 FROM devices ORDER BY enrolled_at`
	);
	return rows;
}

/**
 * The open batches of these devices (all devices when null). A revoked, lost or broken tablet
 * never sends its close of day: the devices page lists these so that a supervisor closes each
 * on its behalf with the paper tally (POST /api/office/batches/…/close).
 */
export async function openBatchesOf(ledger: Ledger, deviceIds: string[] | null): Promise<Map<string, OpenBatch[]>> {
	const { rows } = await ledger.db.query<{
		id: string;
		device_id: string;
		site_code: string;
		service_day: string;
		records: number;
	}>(
		`SELECT b.id, b.device_id, b.site_code, to_char(b.service_day, 'YYYY-MM-DD') AS service_day,
		   (SELECT count(*)::int FROM dose_events e WHERE e.batch_id = b.id AND e.type IN ('dose', 'not-vaccinated')) AS records
		 FROM batches b WHERE b.state = 'open' AND ($1::uuid[] IS NULL OR b.device_id = ANY($1::uuid[]))
		 ORDER BY b.service_day, b.id`,
		[deviceIds]
	);
	const byDevice = new Map<string, OpenBatch[]>();
	for (const r of rows) {
		byDevice.set(r.device_id, [
			...(byDevice.get(r.device_id) ?? []),
			{ id: r.id, siteCode: r.site_code, serviceDay: r.service_day, records: Number(r.records) }
		]);
	}
	return byDevice;
}
