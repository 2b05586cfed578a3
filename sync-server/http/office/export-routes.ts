import type { Catalogs } from '../../catalog/catalogs';
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { isIsoDate, isSiteCode, isUuid, isValidMunicipalityCode } from '#shared/index';
import { CAN } from '#shared/office/roles';
import { EXPORT_ENCODINGS, EXPORT_LAYOUTS } from '#shared/office/exports';
import { actorOf } from '../../office/accounts';
import type { Config } from '../../config';
import type { Ledger } from '../../ledger/ledger';
import {
	asciiFileName,
	createExport,
	downloadExport,
	exportPreview,
	listExports,
	type ExportFilter,
	type ExportSummary
} from '../../exports/store';
import { apiError, readJson } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

const day = v.pipe(v.string(), v.check(isIsoDate, 'YYYY-MM-DD'));
const Filter = {
	from: v.optional(day),
	to: v.optional(day),
	siteCode: v.optional(v.pipe(v.string(), v.check(isSiteCode, 'site code'))),
	includeExported: v.optional(v.boolean()),
	municipality: v.optional(
		v.pipe(v.string(), v.check(isValidMunicipalityCode, '6-digit municipality code with a valid check digit'))
	)
};
const ExportRequest = v.pipe(
	v.strictObject({ layout: v.picklist(EXPORT_LAYOUTS), encoding: v.picklist(EXPORT_ENCODINGS), ...Filter }),
	v.check((r) => !r.from || !r.to || r.from <= r.to, 'from must not be after to'),
	v.check((r) => r.layout === 'vrs' || r.municipality === undefined, 'municipality is for the vrs layout only')
);
const PreviewQuery = v.pipe(
	v.strictObject({
		layout: v.optional(v.picklist(EXPORT_LAYOUTS), 'vrs'),
		from: Filter.from,
		to: Filter.to,
		siteCode: Filter.siteCode,
		municipality: Filter.municipality,
		includeExported: v.optional(v.picklist(['true', 'false']))
	}),
	v.check((r) => !r.from || !r.to || r.from <= r.to, 'from must not be after to'),
	v.check((r) => r.layout === 'vrs' || r.municipality === undefined, 'municipality is for the vrs layout only')
);

/** The file as a download: its Japanese name (RFC 5987 filename*), an ASCII fallback, and its hash. */
function fileResponse(c: Context, summary: ExportSummary, file: Buffer): Response {
	return c.body(new Uint8Array(file), 200, {
		'Content-Type': `text/csv; charset=${summary.encoding === 'shift_jis' ? 'Shift_JIS' : 'UTF-8'}`,
		'Content-Disposition': `attachment; filename="${asciiFileName(summary.fileName)}"; filename*=UTF-8''${encodeURIComponent(summary.fileName)}`,
		'Cache-Control': 'no-store',
		'X-Export-Id': summary.id,
		'X-Export-Rows': String(summary.rows),
		'X-Export-Sha256': summary.sha256
	});
}

/** Exports of approved batches to the municipal health system (supervisors: CAN.export). */
export function exportRoutes(deps: { ledger: Ledger; catalogs: Catalogs; config: Pick<Config, 'municipality'> }) {
	const db = deps.ledger.db;
	/** The VRS file's default municipality: the deployment's. */
	const home = deps.config.municipality;
	const app = new Hono<OfficeEnv>();
	app.use('*', requireRole(CAN.export));

	app.get('/', async (c) => c.json({ exports: await listExports(db) }));

	// What an export with these filters would take: the batches, the row count, missing names.
	app.get('/pending', async (c) => {
		const q = v.safeParse(PreviewQuery, c.req.query());
		if (!q.success)
			return apiError(c, 400, 'BAD_REQUEST', q.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`).join('; '));
		const { layout, includeExported, ...rest } = q.output;
		const filter: ExportFilter = { ...rest, includeExported: includeExported === 'true' };
		return c.json(await exportPreview(db, layout, filter, home));
	});

	app.post('/', async (c) => {
		const body = await readJson(c, ExportRequest);
		if (!body.ok) return body.response;
		const { layout, encoding, ...filter } = body.value;
		const r = await createExport(db, {
			layout,
			encoding,
			filter,
			home,
			actor: { id: c.var.user.id, name: c.var.user.username },
			catalogs: deps.catalogs
		});
		if (r.ok) return fileResponse(c, r.summary, r.file);
		switch (r.code) {
			case 'NOTHING_TO_EXPORT':
				return apiError(
					c,
					409,
					r.code,
					r.municipality === null
						? '出力できる承認済みのバッチがありません（条件を確認してください）。'
						: `市町村コード ${r.municipality} の接種券で、まだVRS形式で出力していない接種がありません（条件を確認してください）。`
				);
			case 'NAMES_MISSING':
				return c.json(
					{
						error: {
							code: r.code,
							message: `名称が未登録のコードがあります（会場・医療機関: ${r.missing.sites.join('、') || 'なし'}／医師: ${r.missing.doctors.join('、') || 'なし'}）。「会場・医師」の画面で登録してください。`,
							missing: r.missing
						}
					},
					409
				);
			case 'UNENCODABLE':
				return c.json({ error: { code: r.code, message: r.message, line: r.line, column: r.column } }, 422);
			case 'TOO_LONG':
			case 'DUPLICATE_DOSE':
			case 'DOSE_BEYOND_CATALOG': {
				const { code, message, ...detail } = r.refusal;
				return c.json({ error: { code, message, ...detail } }, code === 'DUPLICATE_DOSE' ? 409 : 422);
			}
		}
	});

	// A past export again, byte for byte (the stored file), for example after a lost download.
	app.get('/:id/file', async (c) => {
		const id = c.req.param('id');
		if (!isUuid(id)) return apiError(c, 400, 'BAD_REQUEST', 'export id must be a UUID');
		const r = await downloadExport(db, id, actorOf(c.var.user));
		return r ? fileResponse(c, r.summary, r.file) : apiError(c, 404, 'EXPORT_UNKNOWN', 'no such export');
	});
	return app;
}
