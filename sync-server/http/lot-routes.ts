import { Hono } from 'hono';
import * as v from 'valibot';
import { containsMyNumber, DEFAULT_VACCINE_CATALOG, findProduct, isIsoDate, isSiteCode, LOT_PATTERN } from '../../shared/index';
import type { Ledger } from '../ledger/ledger';
import { apiError, jsonBody } from './errors';

const LotInput = v.strictObject({
	product: v.pipe(v.string(), v.check((p) => findProduct(DEFAULT_VACCINE_CATALOG, p) !== undefined, 'unknown product')),
	lot: v.pipe(v.string(), v.regex(LOT_PATTERN, 'lot: 1–20 GS1 characters')),
	expiry: v.pipe(v.string(), v.check(isIsoDate, 'expiry: YYYY-MM-DD')),
	sites: v.pipe(v.array(v.pipe(v.string(), v.check(isSiteCode, 'site code'))), v.minLength(1, 'at least one site'))
});

/** The lot master (admin; the back office's screens and CSV import build on this). */
export function lotRoutes(deps: { ledger: Ledger }) {
	const app = new Hono();
	app.get('/', async (c) => c.json({ lots: await deps.ledger.lots() }));
	app.put('/', async (c) => {
		const body = await jsonBody(c);
		if (body === undefined) return apiError(c, 400, 'BAD_JSON', 'the body is not valid JSON');
		if (containsMyNumber(body)) return apiError(c, 400, 'MY_NUMBER', '個人番号と思われる値が含まれています');
		const parsed = v.safeParse(LotInput, body);
		if (!parsed.success) return apiError(c, 400, 'BAD_REQUEST', parsed.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`).join('; '));
		await deps.ledger.putLot(parsed.output);
		return c.json(parsed.output);
	});
	return app;
}
