import { Hono } from 'hono';
import { isUuid } from '#shared/index';
import { CLOSE } from '#shared/sync/socket';
import type { Ledger } from '../ledger/ledger';
import type { SqlExecutor } from '../ledger/sql';
import type { DeviceConnections } from '../transport/device-connections';
import { appendAudit } from '../audit/audit-log';
import { actorOf } from '../office/accounts';
import { apiError } from './errors';
import type { OfficeEnv } from './office/guard';

/** A batch of a device that its device has not closed yet (it stays 'open' until a close arrives). */
export interface OpenBatch {
	id: string;
	siteCode: string;
	serviceDay: string;
	/** Records the ledger holds for it (doses and 接種不適当, voided ones included). */
	records: number;
}

/**
 * The open batches of these devices (all devices when null). A revoked, lost or broken tablet
 * never sends its close of day: the devices page lists these so that a supervisor closes each
 * on its behalf with the paper tally (POST /api/office/batches/…/close).
 */
async function openBatchesOf(db: SqlExecutor, deviceIds: string[] | null): Promise<Map<string, OpenBatch[]>> {
	const { rows } = await db.query<{
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

/** Admin device actions. Mounted behind the admin guard. */
export function deviceRoutes(deps: { ledger: Ledger; connections: DeviceConnections }) {
	const app = new Hono<OfficeEnv>();

	app.get('/', async (c) => {
		const { rows } = await deps.ledger.db.query<{ id: string }>(
			`SELECT id, label, setting, site_code AS "siteCode", status, enrolled_at AS "enrolledAt", last_seen_at AS "lastSeenAt",
			        unreceipted_count AS "unreceipted", unreceipted_reported_at AS "unreceiptedReportedAt"
			 FROM devices ORDER BY enrolled_at`
		);
		const open = await openBatchesOf(deps.ledger.db, null);
		return c.json({ devices: rows.map((d) => ({ ...d, openBatches: open.get(d.id) ?? [] })) });
	});

	for (const action of ['revoke', 'retire'] as const) {
		app.post(`/:id/${action}`, async (c) => {
			const id = c.req.param('id');
			if (!isUuid(id)) return apiError(c, 400, 'BAD_REQUEST', 'device id must be a UUID');
			const status = action === 'revoke' ? 'revoked' : 'retired';
			const device = await deps.ledger.setDeviceStatus(id, status, (tx, d) =>
				appendAudit(tx, {
					actor: actorOf(c.var.user),
					action: `device.${action}`,
					target: id,
					detail: { label: d.label, siteCode: d.siteCode }
				})
			);
			if (!device) {
				const existing = await deps.ledger.device(id);
				if (!existing) return apiError(c, 404, 'DEVICE_UNKNOWN', 'no such device');
				return apiError(c, 409, 'DEVICE_STATUS', `the device is already ${existing.status}`);
			}
			// A revoked device is cut off now and told to wipe itself; a retired one may finish
			// uploading, so its connection stays.
			if (status === 'revoked') deps.connections.close(id, CLOSE.DEVICE_REVOKED, 'device revoked');
			// Its batches still open: a revoked device will never close them, a retired one may
			// not; the page offers each to a supervisor to close with the paper tally.
			return c.json({ id, status, openBatches: (await openBatchesOf(deps.ledger.db, [id])).get(id) ?? [] });
		});
	}
	return app;
}
