import type { Catalogs } from '../catalog/catalogs';
import { createHash } from 'node:crypto';
import { newId } from '../../shared/ids';
import type { CorrectedRecord } from '../../shared/index';
import type { ExportableBatch, ExportEncoding, ExportFilter, ExportLayout, ExportSummary } from '../../shared/office/exports';

export type { ExportableBatch, ExportFilter, ExportSummary };
import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import { encodeCsv, UnencodableError } from './encode';
import { layoutTable, missingNames, recordsOf, type ExportRecord, type MissingNames, type NameMasters } from './layouts';

/**
 * Exports in the ledger: which batches are ready, making an export file (and moving its batches
 * to 'exported' with its log row and audit entry, in one transaction), the history, and the
 * stored files for downloading again.
 */




export type CreateExportResult =
	| { ok: true; summary: ExportSummary; file: Buffer }
	| { ok: false; code: 'NOTHING_TO_EXPORT' }
	| { ok: false; code: 'NAMES_MISSING'; missing: MissingNames }
	| { ok: false; code: 'UNENCODABLE'; message: string };

const statesOf = (f: ExportFilter) => (f.includeExported ? ['approved', 'exported'] : ['approved']);
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** The batches an export with this filter would take, with what they hold. */
export async function exportableBatches(db: SqlExecutor, f: ExportFilter, lock = false): Promise<ExportableBatch[]> {
	const { rows } = await db.query<{ id: string; service_day: string; site_code: string; device_id: string; state: 'approved' | 'exported' }>(
		`SELECT id, to_char(service_day, 'YYYY-MM-DD') AS service_day, site_code, device_id, state FROM batches
		 WHERE state = ANY($1::text[]) AND ($2::date IS NULL OR service_day >= $2::date) AND ($3::date IS NULL OR service_day <= $3::date)
		   AND ($4::text IS NULL OR site_code = $4)
		 ORDER BY service_day, site_code, id ${lock ? 'FOR UPDATE' : ''}`,
		[statesOf(f), f.from ?? null, f.to ?? null, f.siteCode ?? null]
	);
	if (rows.length === 0) return [];
	const counts = await db.query<{ batch_id: string; doses: number; not_vaccinated: number; voided: number }>(
		`SELECT e.batch_id,
		   count(*) FILTER (WHERE r.status = 'active' AND r.outcome = 'dose')::int AS doses,
		   count(*) FILTER (WHERE r.status = 'active' AND r.outcome = 'not-vaccinated')::int AS not_vaccinated,
		   count(*) FILTER (WHERE r.status = 'voided')::int AS voided
		 FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id
		 WHERE e.batch_id = ANY($1::text[]) GROUP BY e.batch_id`,
		[rows.map((r) => r.id)]
	);
	const byBatch = new Map(counts.rows.map((c) => [c.batch_id, c]));
	return rows.map((r) => {
		const c = byBatch.get(r.id);
		return { id: r.id, serviceDay: r.service_day, siteCode: r.site_code, deviceId: r.device_id, state: r.state, doses: c?.doses ?? 0, notVaccinated: c?.not_vaccinated ?? 0, voided: c?.voided ?? 0 };
	});
}

/** The current record of every dose and screening of these batches, in file order. */
export async function exportRecords(db: SqlExecutor, batchIds: string[]): Promise<ExportRecord[]> {
	const { rows } = await db.query<{
		record_id: string;
		current_event_id: string;
		versions: number;
		status: 'active' | 'voided';
		batch_id: string;
		device_id: string;
		service_day: string;
		municipality: string;
		first_recorded_at: string;
		given_at_jst: string;
		operator: string;
		record: CorrectedRecord | string;
	}>(
		`SELECT r.record_id, r.current_event_id, r.versions, r.status, b.id AS batch_id, b.device_id, to_char(b.service_day, 'YYYY-MM-DD') AS service_day,
		   b.municipality, to_char(e.recorded_at AT TIME ZONE 'Asia/Tokyo', 'YYYY/MM/DD HH24:MI:SS') AS first_recorded_at,
		   to_char(r.given_at AT TIME ZONE 'Asia/Tokyo', 'YYYY/MM/DD HH24:MI:SS') AS given_at_jst, e.payload->>'operator' AS operator, r.record
		 FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id JOIN batches b ON b.id = e.batch_id
		 WHERE b.id = ANY($1::text[])
		 ORDER BY b.service_day, b.site_code, r.given_at, r.ticket_number, r.dose_number, r.record_id`,
		[batchIds]
	);
	return rows.map((r) => ({
		recordId: r.record_id,
		currentEventId: r.current_event_id,
		versions: Number(r.versions),
		status: r.status,
		batchId: r.batch_id,
		deviceId: r.device_id,
		serviceDay: r.service_day,
		batchMunicipality: r.municipality,
		firstRecordedAt: r.first_recorded_at,
		givenAtJst: r.given_at_jst,
		operator: r.operator,
		record: json(r.record)
	}));
}

export async function nameMasters(db: SqlExecutor): Promise<NameMasters> {
	const sites = await db.query<{ code: string; name: string }>('SELECT code, name FROM sites');
	const doctors = await db.query<{ code: string; name: string }>('SELECT code, name FROM doctors');
	return { sites: new Map(sites.rows.map((r) => [r.code, r.name])), doctors: new Map(doctors.rows.map((r) => [r.code, r.name])) };
}

/** What an export with this filter would take, and the names it lacks (for the page). */
export async function exportPreview(db: SqlExecutor, layout: ExportLayout, f: ExportFilter): Promise<{ batches: ExportableBatch[]; rows: number; missing: MissingNames }> {
	const batches = await exportableBatches(db, f);
	const records = await exportRecords(db, batches.map((b) => b.id));
	return { batches, rows: recordsOf(layout, records).length, missing: missingNames(layout, records, await nameMasters(db)) };
}

const compact = (day: string) => day.replaceAll('-', '');

/** `接種記録_VRS形式_20261122-20261123_SJIS.csv`: layout, service-day span, encoding. */
function fileNameOf(layout: ExportLayout, encoding: ExportEncoding, days: string[]): string {
	const span = `${compact(days[0]!)}-${compact(days.at(-1)!)}`;
	return `接種記録_${layout === 'vrs' ? 'VRS形式' : '全項目'}_${span}_${encoding === 'shift_jis' ? 'SJIS' : 'UTF8'}.csv`;
}

/** The ASCII fallback for Content-Disposition's plain `filename` (old clients). */
export const asciiFileName = (fileName: string) =>
	fileName.replace('接種記録_', 'vaccinations_').replace('VRS形式', 'vrs').replace('全項目', 'full').replace(/[^\x20-\x7e]/g, '_');

/**
 * Makes the file from the current records of the selected batches and, in the same
 * transaction, stores it in `exports`, moves its approved batches to 'exported' and appends the
 * audit entry (identifiers, counts and the file's hash — never row contents). A refusal
 * (nothing to export, names missing, a character Shift_JIS lacks) changes nothing.
 */
export async function createExport(
	db: SqlDatabase,
	req: { layout: ExportLayout; encoding: ExportEncoding; filter: ExportFilter; actor: AuditActor & { id: string }; catalogs: Catalogs }
): Promise<CreateExportResult> {
	return db.transaction(async (tx): Promise<CreateExportResult> => {
		const batches = await exportableBatches(tx, req.filter, true);
		if (batches.length === 0) return { ok: false, code: 'NOTHING_TO_EXPORT' };
		const records = await exportRecords(tx, batches.map((b) => b.id));
		const names = await nameMasters(tx);
		const missing = missingNames(req.layout, records, names);
		if (missing.sites.length > 0 || missing.doctors.length > 0) return { ok: false, code: 'NAMES_MISSING', missing };
		const table = layoutTable(req.layout, records, names, (await req.catalogs.current(tx)).catalog);
		let file: Buffer;
		try {
			file = encodeCsv(table.header, table.rows, req.encoding);
		} catch (e) {
			if (e instanceof UnencodableError) return { ok: false, code: 'UNENCODABLE', message: e.message };
			throw e;
		}
		const sha256 = createHash('sha256').update(file).digest();
		const id = newId();
		const batchIds = batches.map((b) => b.id);
		const fileName = fileNameOf(req.layout, req.encoding, batches.map((b) => b.serviceDay));
		const reexport = batches.some((b) => b.state === 'exported');
		const params: ExportFilter = { from: req.filter.from, to: req.filter.to, siteCode: req.filter.siteCode, includeExported: req.filter.includeExported ?? false };
		const inserted = await tx.query<{ created_at: Date | string }>(
			`INSERT INTO exports (id, layout, encoding, params, reexport, batch_ids, row_count, file_name, file_sha256, file, created_by, created_by_name)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING created_at`,
			[id, req.layout, req.encoding, JSON.stringify(params), reexport, JSON.stringify(batchIds), table.rows.length, fileName, sha256, file, req.actor.id, req.actor.name]
		);
		await tx.query(`UPDATE batches SET state = 'exported', state_changed_at = now() WHERE id = ANY($1::text[]) AND state = 'approved'`, [batchIds]);
		await appendAudit(tx, {
			actor: req.actor,
			action: `export.${req.layout}`,
			target: id,
			detail: { batchIds, rows: table.rows.length, sha256: sha256.toString('hex'), encoding: req.encoding, reexport, params }
		});
		return {
			ok: true,
			file,
			summary: {
				id,
				layout: req.layout,
				encoding: req.encoding,
				params,
				reexport,
				batchIds,
				rows: table.rows.length,
				fileName,
				sha256: sha256.toString('hex'),
				createdBy: req.actor.name,
				createdAt: new Date(inserted.rows[0]!.created_at).toISOString()
			}
		};
	});
}

interface ExportRow {
	id: string;
	layout: ExportLayout;
	encoding: ExportEncoding;
	params: ExportFilter | string;
	reexport: boolean;
	batch_ids: string[] | string;
	row_count: number;
	file_name: string;
	file_sha256: Uint8Array;
	created_by_name: string;
	created_at: Date | string;
}

const toSummary = (r: ExportRow): ExportSummary => ({
	id: r.id,
	layout: r.layout,
	encoding: r.encoding,
	params: json(r.params),
	reexport: r.reexport,
	batchIds: json(r.batch_ids),
	rows: Number(r.row_count),
	fileName: r.file_name,
	sha256: Buffer.from(r.file_sha256).toString('hex'),
	createdBy: r.created_by_name,
	createdAt: new Date(r.created_at).toISOString()
});

const SUMMARY_COLUMNS = 'id, layout, encoding, params, reexport, batch_ids, row_count, file_name, file_sha256, created_by_name, created_at';

/** The export history, newest first. */
export async function listExports(db: SqlExecutor, limit = 200): Promise<ExportSummary[]> {
	const { rows } = await db.query<ExportRow>(`SELECT ${SUMMARY_COLUMNS} FROM exports ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
	return rows.map(toSummary);
}

/** A past export's stored file, and the audit entry of its download (one transaction). */
export async function downloadExport(db: SqlDatabase, id: string, actor: AuditActor): Promise<{ summary: ExportSummary; file: Buffer } | null> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<ExportRow & { file: Uint8Array }>(`SELECT ${SUMMARY_COLUMNS}, file FROM exports WHERE id = $1`, [id]);
		const r = rows[0];
		if (!r) return null;
		const summary = toSummary(r);
		await appendAudit(tx, { actor, action: 'export.download', target: id, detail: { layout: summary.layout, rows: summary.rows, sha256: summary.sha256, encoding: summary.encoding } });
		return { summary, file: Buffer.from(r.file) };
	});
}
