import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { INJECTION_SITES, ROUTES, type VaccineProduct } from '#shared/index';
import type {
	CatalogAnswer,
	CatalogChangeAnswer,
	CatalogImportAnswer,
	CatalogImportPreview
} from '#shared/office/catalog-api';
import { CAN } from '#shared/office/roles';
import { normaliseGtin, putMaker, putProduct } from '../../catalog/catalog-edit';
import { parseProductFile, planProductImport, type ParsedProductFile } from '../../catalog/catalog-csv';
import { storeCatalogChange, toAction } from '../../catalog/catalog-changes';
import type { Catalogs } from '../../catalog/catalogs';
import type { Ledger } from '../../ledger/ledger';
import { actorOf } from '../../office/accounts';
import { apiError, readJson } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

const VERSION = v.pipe(v.number(), v.integer(), v.minValue(1));
// Shapes only: the catalogue rules (with their own codes) are catalog-edit's.
const ProductBody = v.strictObject({
	basedOn: VERSION,
	product: v.strictObject({
		code: v.string(),
		name: v.pipe(v.string(), v.maxLength(200)),
		maker: v.string(),
		gtins: v.pipe(v.array(v.pipe(v.string(), v.maxLength(20))), v.maxLength(50)),
		volumesMl: v.pipe(v.array(v.number()), v.maxLength(20)),
		sites: v.pipe(v.array(v.picklist(INJECTION_SITES)), v.maxLength(INJECTION_SITES.length)),
		routes: v.pipe(v.array(v.picklist(ROUTES)), v.maxLength(ROUTES.length)),
		maxDoseNumber: v.number(),
		minIntervalDays: v.record(v.pipe(v.string(), v.regex(/^\d$/)), v.number())
	})
});
const MakerBody = v.strictObject({ basedOn: VERSION, code: v.string(), name: v.pipe(v.string(), v.maxLength(200)) });

const FILE_LIMIT = 1024 * 1024;

/** The uploaded CSV (raw body) parsed, or the error response. */
async function readProductFile(
	c: Context
): Promise<
	| { ok: true; parsed: Extract<ParsedProductFile, { ok: true }>; fileName: string | null }
	| { ok: false; response: Response }
> {
	const bytes = new Uint8Array(await c.req.arrayBuffer());
	if (bytes.length > FILE_LIMIT)
		return { ok: false, response: apiError(c, 413, 'BODY_TOO_LARGE', 'the file exceeds 1 MiB') };
	const parsed = parseProductFile(bytes);
	if (!parsed.ok) return { ok: false, response: apiError(c, 400, parsed.code, parsed.message) };
	const name = c.req.query('name') ?? null;
	// The file name goes into the audit log; the front door (http/my-number-door.ts) has refused
	// a request whose query holds a My Number.
	const fileName = name && name.length <= 200 ? name : null;
	return { ok: true, parsed, fileName };
}

const refusal = (
	c: Context,
	r: { status: 400 | 409; code: string; message: string; path?: string; current?: number }
) =>
	c.json(
		{
			error: {
				code: r.code,
				message: r.message,
				...(r.path !== undefined ? { path: r.path } : {}),
				...(r.current !== undefined ? { current: r.current } : {})
			}
		},
		r.status
	);

/**
 * The vaccine catalogue (products, makers, GTINs and their rules) as the back office edits and
 * imports it. Reading: CAN.view; changing: CAN.importData, like the lot master. Every change is
 * a new stored version with its audit entry (sync-server/catalog); devices receive the current
 * version at their next connection, and the server checks their records against it or any
 * earlier version.
 */
export function catalogRoutes(deps: { ledger: Ledger; catalogs: Catalogs }) {
	const app = new Hono<OfficeEnv>();

	app.get('/products', requireRole(CAN.view), async (c) => {
		const current = await deps.catalogs.current();
		return c.json({ version: current.version, catalog: current.catalog } satisfies CatalogAnswer);
	});

	app.put('/products', requireRole(CAN.importData), async (c) => {
		const body = await readJson(c, ProductBody);
		if (!body.ok) return body.response;
		const input = body.value.product;
		// GTIN-13 as printed on a box is the same GTIN-14 with a leading 0.
		const product: VaccineProduct = { ...input, gtins: input.gtins.map((g) => normaliseGtin(g) ?? g) };
		let action: CatalogChangeAnswer['action'] = 'unchanged';
		const r = await storeCatalogChange(deps.ledger, deps.catalogs, {
			basedOn: body.value.basedOn,
			actor: actorOf(c.var.user),
			action: 'catalog.product.put',
			target: product.code,
			change: (current) => {
				const edit = putProduct(current, product);
				if (!edit.ok) return edit;
				action = edit.action;
				return {
					ok: true,
					catalog: edit.catalog,
					changed: edit.action !== 'unchanged',
					audit: { action: edit.action, before: edit.before }
				};
			}
		});
		if (!r.ok) return refusal(c, r);
		return c.json({ version: r.version, action: toAction(r.changed, action) } satisfies CatalogChangeAnswer);
	});

	app.put('/makers', requireRole(CAN.importData), async (c) => {
		const body = await readJson(c, MakerBody);
		if (!body.ok) return body.response;
		const { code, name } = body.value;
		let action: CatalogChangeAnswer['action'] = 'unchanged';
		const r = await storeCatalogChange(deps.ledger, deps.catalogs, {
			basedOn: body.value.basedOn,
			actor: actorOf(c.var.user),
			action: 'catalog.maker.put',
			target: code,
			change: (current) => {
				const edit = putMaker(current, { code, name });
				if (!edit.ok) return edit;
				action = edit.action;
				return {
					ok: true,
					catalog: edit.catalog,
					changed: edit.action !== 'unchanged',
					audit: { action: edit.action, name: name.trim(), before: edit.before }
				};
			}
		});
		if (!r.ok) return refusal(c, r);
		return c.json({ version: r.version, action: toAction(r.changed, action) } satisfies CatalogChangeAnswer);
	});

	// Preview: what each product line would do, and every line's errors. Nothing is stored.
	app.post('/products/import/preview', requireRole(CAN.importData), async (c) => {
		const file = await readProductFile(c);
		if (!file.ok) return file.response;
		const { parsed } = file;
		const current = await deps.catalogs.current();
		const plan = planProductImport(current.catalog, parsed.lines);
		return c.json({
			sha256: parsed.sha256,
			encoding: parsed.encoding,
			totalLines: parsed.totalLines,
			basedOn: current.version,
			errors: [...parsed.errors, ...plan.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
			products: plan.products,
			makers: plan.makers
		} satisfies CatalogImportPreview);
	});

	// Commit: only a file without errors, all or nothing; the same file again changes nothing.
	app.post('/products/import', requireRole(CAN.importData), async (c) => {
		const file = await readProductFile(c);
		if (!file.ok) return file.response;
		const { parsed } = file;
		const expected = c.req.query('sha256');
		if (expected !== undefined && expected !== parsed.sha256)
			return apiError(
				c,
				409,
				'FILE_CHANGED',
				'プレビューしたファイルと内容が異なります。もう一度プレビューしてください。'
			);
		const basedOn = Number(c.req.query('basedOn'));
		if (!Number.isSafeInteger(basedOn) || basedOn < 1)
			return apiError(c, 400, 'BAD_REQUEST', 'basedOn: the catalogue version the preview showed');
		const lineErrors = (n: number) =>
			`${n}件のエラーがあるため取り込みません（何も保存していません）。修正してからもう一度取り込んでください。`;
		if (parsed.errors.length > 0)
			return c.json(
				{ error: { code: 'LINE_ERRORS', message: lineErrors(parsed.errors.length), errors: parsed.errors } },
				400
			);
		let counts = { inserted: 0, updated: 0, unchanged: 0 };
		let planErrors: CatalogImportPreview['errors'] = [];
		const r = await storeCatalogChange(deps.ledger, deps.catalogs, {
			basedOn,
			actor: actorOf(c.var.user),
			action: 'catalog.import',
			target: file.fileName,
			change: (current) => {
				const plan = planProductImport(current, parsed.lines);
				if (plan.errors.length > 0) {
					planErrors = plan.errors;
					return { ok: false, code: 'LINE_ERRORS', message: lineErrors(plan.errors.length) };
				}
				counts = {
					inserted: plan.products.filter((p) => p.action === 'insert').length,
					updated: plan.products.filter((p) => p.action === 'update').length,
					unchanged: plan.products.filter((p) => p.action === 'unchanged').length
				};
				const changed = plan.products.filter((p) => p.action !== 'unchanged').map((p) => p.code);
				const makers = plan.makers.filter((m) => m.action !== 'unchanged').map((m) => m.code);
				return {
					ok: true,
					catalog: plan.catalog,
					changed: plan.changed,
					audit: { sha256: parsed.sha256, ...counts, changed, makers }
				};
			}
		});
		if (!r.ok) {
			if (r.code === 'LINE_ERRORS')
				return c.json({ error: { code: r.code, message: r.message, errors: planErrors } }, 400);
			return refusal(c, r);
		}
		if (!r.changed) counts = { inserted: 0, updated: 0, unchanged: parsed.lines.length };
		return c.json({ sha256: parsed.sha256, version: r.version, ...counts } satisfies CatalogImportAnswer);
	});
	return app;
}
