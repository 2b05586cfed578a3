import type { Catalogs } from '../../catalog/catalogs';
import { Hono } from 'hono';
import { isIsoDate, isSiteCode, parseBatchId } from '../../../shared/index';
import { CAN } from '../../../shared/office/roles';
import { BATCH_STATES } from '../../../shared/office/reconciliation';
import type { Ledger } from '../../ledger/ledger';
import { actorOf } from '../../office/accounts';
import { advanceBatch, batchRecords, batchRefusals, listBatches } from '../../reconciliation/batches';
import { listItems } from '../../reconciliation/items';
import { apiError } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

/**
 * Batches (device × site × service day) under /api/office/batches. A batch id contains
 * slashes, so routes take its three parts: /:device/:site/:day.
 */
export function batchRoutes(deps: { ledger: Ledger; catalogs: Catalogs; config: { municipality: string } }) {
	const app = new Hono<OfficeEnv>();
	const db = deps.ledger.db;

	app.get('/', requireRole(CAN.view), async (c) => {
		const state = c.req.query('state') || undefined;
		const day = c.req.query('day') || undefined;
		const site = c.req.query('site') || undefined;
		if (state !== undefined && !(BATCH_STATES as readonly string[]).includes(state)) return apiError(c, 400, 'BAD_REQUEST', `state: one of ${BATCH_STATES.join(', ')}`);
		if (day !== undefined && !isIsoDate(day)) return apiError(c, 400, 'BAD_REQUEST', 'day: YYYY-MM-DD');
		if (site !== undefined && !isSiteCode(site)) return apiError(c, 400, 'BAD_REQUEST', 'site: a site code');
		return c.json({ batches: await listBatches(db, { state, day, site }) });
	});

	const batchOf = (c: { req: { param: (k: string) => string } }) => {
		const id = `${c.req.param('device')}/${c.req.param('site')}/${c.req.param('day')}`;
		return parseBatchId(id) ? id : null;
	};

	app.get('/:device/:site/:day', requireRole(CAN.view), async (c) => {
		const id = batchOf(c);
		if (!id) return apiError(c, 400, 'BAD_REQUEST', 'batch: device UUID / site code / YYYY-MM-DD');
		const batch = (await listBatches(db, { id }))[0];
		if (!batch) return apiError(c, 404, 'BATCH_UNKNOWN', 'no such batch');
		return c.json({ batch, records: await batchRecords(db, id), refusedUpdates: await batchRefusals(db, id), items: await listItems(db, { batch: id }) });
	});

	for (const [step, roles] of [
		['check', CAN.reconcile],
		['approve', CAN.approve]
	] as const) {
		app.post(`/:device/:site/:day/${step}`, requireRole(roles), async (c) => {
			const id = batchOf(c);
			if (!id) return apiError(c, 400, 'BAD_REQUEST', 'batch: device UUID / site code / YYYY-MM-DD');
			const result = await advanceBatch(db, deps.config.municipality, id, step, actorOf(c.var.user), deps.catalogs);
			return result.ok ? c.json({ batch: result.batch }) : apiError(c, result.status, result.code, result.message);
		});
	}
	return app;
}
