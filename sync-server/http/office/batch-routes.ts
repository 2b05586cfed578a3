import type { Catalogs } from '../../catalog/catalogs';
import { Hono } from 'hono';
import { isIsoDate, isSiteCode, parseBatchId } from '#shared/index';
import { CAN } from '#shared/office/roles';
import { BATCH_STATES } from '#shared/office/reconciliation';
import type { Ledger } from '../../ledger/ledger';
import { actorOf } from '../../office/accounts';
import { advanceBatch, batchRecords, batchRefusals, listBatches } from '../../reconciliation/batches';
import { listItems } from '../../reconciliation/items';
import { closeBatchForDevice } from '../../reconciliation/office-close';
import { apiError, jsonBody } from '../errors';
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
		if (state !== undefined && !(BATCH_STATES as readonly string[]).includes(state))
			return apiError(c, 400, 'BAD_REQUEST', `state: one of ${BATCH_STATES.join(', ')}`);
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
		return c.json({
			batch,
			records: await batchRecords(db, id),
			refusedUpdates: await batchRefusals(db, id),
			items: await listItems(db, { batch: id })
		});
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
	// A supervisor closes an open batch on its device's behalf (lost, broken, stolen tablet) with
	// the paper 予診票 tally the office counted and the reason (reconciliation/office-close.ts).
	app.post('/:device/:site/:day/close', requireRole(CAN.approve), async (c) => {
		const id = batchOf(c);
		if (!id) return apiError(c, 400, 'BAD_REQUEST', 'batch: device UUID / site code / YYYY-MM-DD');
		const body = parseClose(await jsonBody(c));
		if (!body.ok) return apiError(c, 400, body.code, body.message, body.field);
		const user = c.var.user;
		const result = await closeBatchForDevice(
			db,
			deps.config.municipality,
			id,
			body.value,
			{ ...actorOf(user), username: user.username, id: user.id },
			deps.catalogs
		);
		return result.ok
			? c.json({ batch: result.batch, eventId: result.eventId })
			: apiError(c, result.status, result.code, result.message);
	});
	return app;
}

/** The same bounds as a station's close (shared event schema: PAPER_TALLY_RANGE). */
const MAX_TALLY = 100_000;
const MAX_REASON = 500;

/**
 * `{ "tally": n, "reason": "…" }`, each field refused with its own code so the form can say
 * which one is wrong: BAD_JSON, BAD_REQUEST (not an object, or another field), TALLY_INVALID,
 * REASON_REQUIRED, REASON_TOO_LONG.
 */
function parseClose(
	body: unknown
):
	| { ok: true; value: { paperTally: number; reason: string } }
	| { ok: false; code: string; message: string; field?: string } {
	if (body === undefined) return { ok: false, code: 'BAD_JSON', message: 'the body is not valid JSON' };
	if (body === null || typeof body !== 'object' || Array.isArray(body))
		return { ok: false, code: 'BAD_REQUEST', message: 'the body must be { "tally": n, "reason": "…" }' };
	const b = body as Record<string, unknown>;
	const extra = Object.keys(b).filter((k) => k !== 'tally' && k !== 'reason');
	if (extra.length > 0)
		return {
			ok: false,
			code: 'BAD_REQUEST',
			message: `unknown field: ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`
		};
	const tally = b.tally;
	if (typeof tally !== 'number' || !Number.isInteger(tally) || tally < 0 || tally > MAX_TALLY) {
		return {
			ok: false,
			code: 'TALLY_INVALID',
			message: `予診票の枚数は 0〜${MAX_TALLY} の整数で入力してください。`,
			field: 'tally'
		};
	}
	const reason = typeof b.reason === 'string' ? b.reason.trim() : '';
	if (reason === '')
		return {
			ok: false,
			code: 'REASON_REQUIRED',
			message: '端末に代わって締める理由を入力してください（紛失・故障など）。',
			field: 'reason'
		};
	if (reason.length > MAX_REASON)
		return {
			ok: false,
			code: 'REASON_TOO_LONG',
			message: `理由は ${MAX_REASON} 文字以内で入力してください。`,
			field: 'reason'
		};
	return { ok: true, value: { paperTally: tally, reason } };
}
