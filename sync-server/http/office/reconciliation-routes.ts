import type { Catalogs } from '../../catalog/catalogs';
import { Hono } from 'hono';
import * as v from 'valibot';
import { parseBatchId } from '#shared/index';
import { CAN } from '#shared/office/roles';
import { ITEM_STATUSES, REASONS } from '#shared/office/reconciliation';
import type { Ledger } from '../../ledger/ledger';
import { appendAudit } from '../../audit/audit-log';
import { actorOf } from '../../office/accounts';
import { actOnItem, listItems, type ItemAction } from '../../reconciliation/items';
import type { Reconciler } from '../../reconciliation/reconciler';
import { apiError, readJson } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

const text = (max: number, what: string) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, `${what} is required`),
		v.maxLength(max, `${what}: at most ${max} characters`)
	);
const Accept = v.strictObject({ note: text(500, 'note') });
const Report = v.strictObject({ note: v.optional(v.nullable(text(500, 'note')), null) });
const Void = v.strictObject({ reason: text(500, 'reason') });
const Correct = v.strictObject({ reason: text(500, 'reason'), changes: v.record(v.string(), v.unknown()) });
const Dismiss = v.strictObject({ reason: text(500, 'reason') });

/** The review queue under /api/office/reconciliation: items, actions on them, the on-demand run. */
export function reconciliationRoutes(deps: {
	ledger: Ledger;
	catalogs: Catalogs;
	config: { municipality: string };
	reconciler: Reconciler;
}) {
	const app = new Hono<OfficeEnv>();
	const db = deps.ledger.db;

	app.get('/items', requireRole(CAN.view), async (c) => {
		const reason = c.req.query('reason') || undefined;
		const status = c.req.query('status') || undefined;
		const batch = c.req.query('batch') || undefined;
		const municipality = c.req.query('municipality') || undefined;
		if (reason !== undefined && !(REASONS as readonly string[]).includes(reason))
			return apiError(c, 400, 'BAD_REQUEST', `reason: one of ${REASONS.join(', ')}`);
		if (status !== undefined && !(ITEM_STATUSES as readonly string[]).includes(status))
			return apiError(c, 400, 'BAD_REQUEST', `status: one of ${ITEM_STATUSES.join(', ')}`);
		if (batch !== undefined && !parseBatchId(batch)) return apiError(c, 400, 'BAD_REQUEST', 'batch: a batch id');
		if (municipality !== undefined && !/^\d{6}$/.test(municipality))
			return apiError(c, 400, 'BAD_REQUEST', 'municipality: 6 digits');
		return c.json({ items: await listItems(db, { reason, status, batch, municipality }) });
	});

	const actions = {
		accept: {
			schema: Accept,
			of: (b: v.InferOutput<typeof Accept>): ItemAction => ({ action: 'accept', note: b.note })
		},
		report: {
			schema: Report,
			of: (b: v.InferOutput<typeof Report>): ItemAction => ({ action: 'report', note: b.note ?? null })
		},
		void: { schema: Void, of: (b: v.InferOutput<typeof Void>): ItemAction => ({ action: 'void', reason: b.reason }) },
		correct: {
			schema: Correct,
			of: (b: v.InferOutput<typeof Correct>): ItemAction => ({
				action: 'correct',
				reason: b.reason,
				changes: b.changes
			})
		},
		/** A refused record recorded again from its content with `changes` fixed (may be empty). */
		record: {
			schema: Correct,
			of: (b: v.InferOutput<typeof Correct>): ItemAction => ({ action: 'record', reason: b.reason, changes: b.changes })
		},
		dismiss: {
			schema: Dismiss,
			of: (b: v.InferOutput<typeof Dismiss>): ItemAction => ({ action: 'dismiss', reason: b.reason })
		}
	} as const;

	for (const [name, a] of Object.entries(actions)) {
		app.post(`/items/:id/${name}`, requireRole(CAN.reconcile), async (c) => {
			const id = Number(c.req.param('id'));
			if (!Number.isSafeInteger(id) || id < 1) return apiError(c, 400, 'BAD_REQUEST', 'item id: a positive integer');
			const body = await readJson(c, a.schema as v.GenericSchema);
			if (!body.ok) return body.response;
			const user = c.var.user;
			const result = await actOnItem(
				db,
				deps.config.municipality,
				id,
				(a.of as (b: unknown) => ItemAction)(body.value),
				{ ...actorOf(user), username: user.username, id: user.id },
				deps.catalogs
			);
			if (!result.ok)
				return c.json(
					{
						error: { code: result.code, message: result.message, ...(result.errors ? { errors: result.errors } : {}) }
					},
					result.status
				);
			return c.json({ item: result.item, eventId: result.eventId });
		});
	}

	/** Every rule over the whole ledger (after an import of the register or lots, or to catch up). */
	app.post('/run', requireRole(CAN.reconcile), async (c) => {
		const result = await deps.reconciler.runAll();
		await db.transaction((tx) =>
			appendAudit(tx, { actor: actorOf(c.var.user), action: 'reconcile.run', detail: { ...result } })
		);
		return c.json(result);
	});
	return app;
}
