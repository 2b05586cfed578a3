import { Hono } from 'hono';
import { isUuid } from '#shared/index';
import { CLOSE } from '#shared/sync/socket';
import type { Ledger } from '../ledger/ledger';
import { listDevices, openBatchesOf } from '../ledger/device-list';
import type { DeviceConnections } from '../transport/device-connections';
import { appendAudit } from '../audit/audit-log';
import { actorOf } from '../office/accounts';
import { apiError } from './errors';
import type { OfficeEnv } from './office/guard';

/** Admin device actions. Mounted behind the admin guard. */
export function deviceRoutes(deps: { ledger: Ledger; connections: DeviceConnections }) {
	const app = new Hono<OfficeEnv>();

	app.get('/', async (c) => {
		const devices = await listDevices(deps.ledger);
		const open = await openBatchesOf(deps.ledger, null);
		return c.json({ devices: devices.map((d) => ({ ...d, openBatches: open.get(d.id) ?? [] })) });
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
			return c.json({ id, status, openBatches: (await openBatchesOf(deps.ledger, [id])).get(id) ?? [] });
		});
	}
	return app;
}
