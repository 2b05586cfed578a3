import { Hono } from 'hono';
import * as v from 'valibot';
import { findProduct, isIsoDate, isSiteCode, LOT_PATTERN } from '#shared/index';
import type { Catalogs } from '../catalog/catalogs';
import type { Ledger } from '../ledger/ledger';
import { appendAudit } from '../audit/audit-log';
import { actorOf } from '../office/accounts';
import { apiError, readJson } from './errors';
import type { OfficeEnv } from './office/guard';

const LotInput = v.strictObject({
	product: v.pipe(v.string(), v.minLength(1)),
	lot: v.pipe(v.string(), v.regex(LOT_PATTERN, 'lot: 1–20 GS1 characters')),
	expiry: v.pipe(v.string(), v.check(isIsoDate, 'expiry: YYYY-MM-DD')),
	sites: v.pipe(v.array(v.pipe(v.string(), v.check(isSiteCode, 'site code'))), v.minLength(1, 'at least one site'))
});

/** The lot master (admin; the back office's screens and CSV import build on this). */
export function lotRoutes(deps: { ledger: Ledger; catalogs: Catalogs }) {
	const app = new Hono<OfficeEnv>();
	app.get('/', async (c) => c.json({ lots: await deps.ledger.lots() }));
	app.put('/', async (c) => {
		const body = await readJson(c, LotInput);
		if (!body.ok) return body.response;
		const lot = body.value;
		if (!findProduct((await deps.catalogs.current()).catalog, lot.product))
			return apiError(c, 400, 'BAD_REQUEST', 'product: unknown product');
		await deps.ledger.putLot(lot, (tx) =>
			appendAudit(tx, {
				actor: actorOf(c.var.user),
				action: 'lot.put',
				target: `${lot.product}/${lot.lot}`,
				detail: { expiry: lot.expiry, sites: lot.sites }
			})
		);
		return c.json(body.value);
	});
	return app;
}
