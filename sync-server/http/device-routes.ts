import { Hono } from 'hono';
import { CLOSE } from '../../shared/sync/socket';
import type { Ledger } from '../ledger/ledger';
import type { DeviceConnections } from '../transport/device-connections';
import { appendAudit } from '../audit/audit-log';
import { actorOf } from '../office/accounts';
import { apiError } from './errors';
import type { OfficeEnv } from './office/guard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Admin device actions. Mounted behind the admin guard. */
export function deviceRoutes(deps: { ledger: Ledger; connections: DeviceConnections }) {
	const app = new Hono<OfficeEnv>();

	app.get('/', async (c) => {
		const { rows } = await deps.ledger.db.query(
			`SELECT id, label, setting, site_code AS "siteCode", status, enrolled_at AS "enrolledAt", last_seen_at AS "lastSeenAt",
			        unreceipted_count AS "unreceipted", unreceipted_reported_at AS "unreceiptedReportedAt"
			 FROM devices ORDER BY enrolled_at`
		);
		return c.json({ devices: rows });
	});

	for (const action of ['revoke', 'retire'] as const) {
		app.post(`/:id/${action}`, async (c) => {
			const id = c.req.param('id');
			if (!UUID.test(id)) return apiError(c, 400, 'BAD_REQUEST', 'device id must be a UUID');
			const status = action === 'revoke' ? 'revoked' : 'retired';
			const device = await deps.ledger.setDeviceStatus(id, status, (tx, d) =>
				appendAudit(tx, { actor: actorOf(c.var.user), action: `device.${action}`, target: id, detail: { label: d.label, siteCode: d.siteCode } })
			);
			if (!device) {
				const existing = await deps.ledger.device(id);
				if (!existing) return apiError(c, 404, 'DEVICE_UNKNOWN', 'no such device');
				return apiError(c, 409, 'DEVICE_STATUS', `the device is already ${existing.status}`);
			}
			// A revoked device is cut off now and told to wipe itself; a retired one may finish
			// uploading, so its connection stays.
			if (status === 'revoked') deps.connections.close(id, CLOSE.DEVICE_REVOKED, 'device revoked');
			return c.json({ id, status });
		});
	}
	return app;
}
