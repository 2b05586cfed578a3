import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { findProduct, isIsoDate, isSiteCode, LOT_PATTERN, type VaccineCatalog } from '#shared/index';
import type { Catalogs } from '../../catalog/catalogs';
import { CAN } from '#shared/office/roles';
import { actorOf } from '../../office/accounts';
import type { Ledger } from '../../ledger/ledger';
import { parseLotFile, type ParsedLotFile } from '../../lots/lot-csv';
import { applyLotFile, deleteLot, listNames, planLots, putLot, putName, type NameKind } from '../../lots/lot-master';
import { apiError, readJson } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

const CODE = v.pipe(v.string(), v.check(isSiteCode, 'code: 1–20 of [0-9A-Za-z_-]'));
const LotInput = v.strictObject({
	// Checked against the current stored catalogue in the route.
	product: v.pipe(v.string(), v.minLength(1, 'product required')),
	lot: v.pipe(v.string(), v.regex(LOT_PATTERN, 'lot: 1–20 GS1 characters')),
	expiry: v.pipe(v.string(), v.check(isIsoDate, 'expiry: YYYY-MM-DD')),
	sites: v.pipe(v.array(CODE), v.minLength(1, 'at least one site'), v.maxLength(500))
});
const NameInput = v.strictObject({
	code: CODE,
	name: v.pipe(v.string(), v.trim(), v.minLength(1, 'name required'), v.maxLength(100))
});

/** The products of the current vaccine catalogue, as the lots page shows them (edited on the products page). */
const productsOf = (catalog: VaccineCatalog) =>
	catalog.products.map((p) => ({
		code: p.code,
		name: p.name,
		maker: catalog.makers[p.maker]?.name ?? p.maker,
		gtins: p.gtins
	}));

const LOT_FILE_LIMIT = 1024 * 1024;

/** The uploaded CSV (raw body) parsed, or the error response. */
async function readLotFile(
	c: Context,
	catalog: VaccineCatalog
): Promise<
	| { ok: true; parsed: Extract<ParsedLotFile, { ok: true }>; fileName: string | null }
	| { ok: false; response: Response }
> {
	const bytes = new Uint8Array(await c.req.arrayBuffer());
	if (bytes.length > LOT_FILE_LIMIT)
		return { ok: false, response: apiError(c, 413, 'BODY_TOO_LARGE', 'the file exceeds 1 MiB') };
	const parsed = parseLotFile(bytes, catalog);
	if (!parsed.ok) return { ok: false, response: apiError(c, 400, parsed.code, parsed.message) };
	const name = c.req.query('name') ?? null;
	// The file name goes into the audit log; the front door (http/my-number-door.ts) has refused
	// a request whose query holds a My Number.
	const fileName = name && name.length <= 200 ? name : null;
	return { ok: true, parsed, fileName };
}

/**
 * The lot master, and the site and doctor names exports need. Reading: everyone (CAN.view).
 * Changing: CAN.importData (staff, supervisor, admin) — lots arrive as data from deliveries,
 * like the ticket register; the change is audited and devices only ever choose among them.
 */
export function lotMasterRoutes(deps: { ledger: Ledger; catalogs: Catalogs }) {
	const db = deps.ledger.db;
	const app = new Hono<OfficeEnv>();

	app.get('/lots', requireRole(CAN.view), async (c) =>
		c.json({ lots: await deps.ledger.lots(), products: productsOf((await deps.catalogs.current()).catalog) })
	);

	app.put('/lots', requireRole(CAN.importData), async (c) => {
		const body = await readJson(c, LotInput);
		if (!body.ok) return body.response;
		if (!findProduct((await deps.catalogs.current()).catalog, body.value.product))
			return apiError(c, 400, 'BAD_REQUEST', 'product: unknown product');
		const lot = { ...body.value, sites: [...new Set(body.value.sites)].sort() };
		const action = await putLot(db, lot, actorOf(c.var.user));
		return c.json({ lot, action });
	});

	app.delete('/lots/:product/:lot', requireRole(CAN.importData), async (c) => {
		const { product, lot } = c.req.param();
		const r = await deleteLot(db, { product, lot }, actorOf(c.var.user));
		if (r.ok) return c.json({ deleted: { product, lot } });
		if (r.code === 'LOT_UNKNOWN') return apiError(c, 404, 'LOT_UNKNOWN', 'このロットは登録されていません。');
		return apiError(
			c,
			409,
			'LOT_IN_USE',
			`このロットの記録が ${r.records} 件あるため削除できません。有効期限や納品先を訂正してください。`
		);
	});

	// Preview: what each line would do, and every line's errors. Nothing is stored.
	app.post('/lots/import/preview', requireRole(CAN.importData), async (c) => {
		const file = await readLotFile(c, (await deps.catalogs.current()).catalog);
		if (!file.ok) return file.response;
		const { parsed } = file;
		const plan = await planLots(db, parsed.lots);
		return c.json({
			sha256: parsed.sha256,
			encoding: parsed.encoding,
			totalLines: parsed.totalLines,
			errors: parsed.errors,
			lots: plan
		});
	});

	// Commit: only a file without errors; applying it twice changes nothing the second time.
	app.post('/lots/import', requireRole(CAN.importData), async (c) => {
		const file = await readLotFile(c, (await deps.catalogs.current()).catalog);
		if (!file.ok) return file.response;
		const { parsed } = file;
		if (parsed.errors.length > 0) {
			return c.json(
				{
					error: {
						code: 'LINE_ERRORS',
						message: `${parsed.errors.length}件のエラーがあるため取り込みません（何も保存していません）。修正してからもう一度取り込んでください。`,
						errors: parsed.errors
					}
				},
				400
			);
		}
		const expected = c.req.query('sha256');
		if (expected !== undefined && expected !== parsed.sha256)
			return apiError(
				c,
				409,
				'FILE_CHANGED',
				'プレビューしたファイルと内容が異なります。もう一度プレビューしてください。'
			);
		const counts = await applyLotFile(
			db,
			{ sha256: parsed.sha256, lots: parsed.lots, fileName: file.fileName },
			actorOf(c.var.user)
		);
		return c.json({ sha256: parsed.sha256, ...counts });
	});

	for (const kind of ['sites', 'doctors'] as const satisfies readonly NameKind[]) {
		app.get(`/${kind}`, requireRole(CAN.view), async (c) => c.json({ [kind]: await listNames(db, kind) }));
		app.put(`/${kind}`, requireRole(CAN.importData), async (c) => {
			const body = await readJson(c, NameInput);
			if (!body.ok) return body.response;
			await putName(db, kind, body.value, actorOf(c.var.user));
			return c.json(body.value);
		});
	}
	return app;
}
