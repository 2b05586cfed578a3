import type { Catalogs } from '../catalog/catalogs';
import { createHash } from 'node:crypto';
import { newId } from '#shared/ids';
import { JAPAN_TIME_ZONE, type CorrectedRecord } from '#shared/index';
import type {
	ExportableBatch,
	ExportEncoding,
	ExportFilter,
	ExportLayout,
	ExportPending,
	ExportSummary,
	VrsMunicipality
} from '#shared/office/exports';

export type { ExportableBatch, ExportFilter, ExportSummary };
import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import { encodeCsv, UnencodableError } from './encode';
import {
	layoutTable,
	missingNames,
	recordsOf,
	vrsTable,
	type ExportRecord,
	type MissingNames,
	type NameMasters,
	type VrsRefusal
} from './layouts';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

/**
 * Exports in the ledger: which batches are ready, making an export file (and moving its batches
 * to 'exported' with its log row and audit entry, in one transaction), the history, and the
 * stored files for downloading again.
 *
 * Which batches an export takes:
 *  - doses and full: approved batches (with includeExported, exported ones too: a re-export).
 *  - vrs, for one municipality m (default the deployment's): batches, approved or exported,
 *    holding an active dose on a ticket of m that were never in a VRS file for m (the export row
 *    keeps its municipality and batch ids). A batch becomes 'exported' with whichever export
 *    takes it first, so another municipality's doses in it, or doses exported before only in
 *    another layout, stay waiting for m's VRS file without anyone having to remember them. With
 *    includeExported, every such batch (a re-export). A batch with no active dose (only
 *    接種不適当 or voided records) has nothing for a VRS file; 接種一覧 or 全項目 take it.
 *  The VRS file is a ledger snapshot of the tickets it holds, not a diff: each line carries every
 *  active dose of its ticket from batches already exported or in this export (see vrsRecords).
 */

export type CreateExportResult =
	| { ok: true; summary: ExportSummary; file: Buffer }
	| { ok: false; code: 'NOTHING_TO_EXPORT'; municipality: string | null }
	| { ok: false; code: 'NAMES_MISSING'; missing: MissingNames }
	| { ok: false; code: 'UNENCODABLE'; message: string; line: number; column: string }
	| { ok: false; code: VrsRefusal['code']; refusal: VrsRefusal };

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** The municipality a VRS export is for; null for the other layouts. */
const municipalityOf = (layout: ExportLayout, f: ExportFilter, home: string): string | null =>
	layout === 'vrs' ? (f.municipality ?? home) : null;

/**
 * (municipality, batch) pairs already in a VRS file for that municipality. Exports are few (one
 * row per file), so unnesting their batch ids is cheap.
 */
const VRS_DONE = `SELECT DISTINCT x.municipality, j.batch_id FROM exports x CROSS JOIN LATERAL jsonb_array_elements_text(x.batch_ids) AS j(batch_id) WHERE x.layout = 'vrs'`;

/**
 * Active doses waiting for a VRS file, with their ticket and batch: in approved or exported
 * batches matching the filter, not yet in a VRS file for their ticket's municipality (unless a
 * re-export is asked for). Parameters: $1 from, $2 to, $3 site, $4 municipality (null: all),
 * $5 include exported.
 */
const VRS_PENDING = `WITH done AS (${VRS_DONE})
	SELECT r.municipality::text AS municipality, r.ticket_number::text AS ticket_number, b.id AS batch_id
	FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id JOIN batches b ON b.id = e.batch_id
	WHERE r.status = 'active' AND r.outcome = 'dose' AND b.state IN ('approved', 'exported')
	  AND ($1::date IS NULL OR b.service_day >= $1::date) AND ($2::date IS NULL OR b.service_day <= $2::date)
	  AND ($3::text IS NULL OR b.site_code = $3) AND ($4::text IS NULL OR r.municipality = $4)
	  AND ($5::boolean OR NOT EXISTS (SELECT 1 FROM done d WHERE d.municipality = r.municipality AND d.batch_id = b.id))`;

const vrsPendingParams = (f: ExportFilter, municipality: string | null) => [
	f.from ?? null,
	f.to ?? null,
	f.siteCode ?? null,
	municipality,
	f.includeExported ?? false
];

/** The batches an export with this filter would take, with what they hold. */
export async function exportableBatches(
	db: SqlExecutor,
	layout: ExportLayout,
	f: ExportFilter,
	home: string,
	lock = false
): Promise<ExportableBatch[]> {
	const municipality = municipalityOf(layout, f, home);
	const { rows } = await db.query<{
		id: string;
		service_day: string;
		site_code: string;
		device_id: string;
		state: 'approved' | 'exported';
	}>(
		municipality === null
			? `SELECT id, to_char(service_day, 'YYYY-MM-DD') AS service_day, site_code, device_id, state FROM batches
			   WHERE state = ANY($1::text[]) AND ($2::date IS NULL OR service_day >= $2::date) AND ($3::date IS NULL OR service_day <= $3::date)
			     AND ($4::text IS NULL OR site_code = $4)
			   ORDER BY service_day, site_code, id ${lock ? 'FOR UPDATE' : ''}`
			: `SELECT id, to_char(service_day, 'YYYY-MM-DD') AS service_day, site_code, device_id, state FROM batches
			   WHERE id IN (SELECT batch_id FROM (${VRS_PENDING}) p)
			   ORDER BY service_day, site_code, id ${lock ? 'FOR UPDATE' : ''}`,
		municipality === null
			? [f.includeExported ? ['approved', 'exported'] : ['approved'], f.from ?? null, f.to ?? null, f.siteCode ?? null]
			: vrsPendingParams(f, municipality)
	);
	if (rows.length === 0) return [];
	const counts = await db.query<{
		batch_id: string;
		doses: number;
		not_vaccinated: number;
		voided: number;
		municipality_doses: number;
	}>(
		`SELECT e.batch_id,
		   count(*) FILTER (WHERE r.status = 'active' AND r.outcome = 'dose')::int AS doses,
		   count(*) FILTER (WHERE r.status = 'active' AND r.outcome = 'not-vaccinated')::int AS not_vaccinated,
		   count(*) FILTER (WHERE r.status = 'voided')::int AS voided,
		   count(*) FILTER (WHERE r.status = 'active' AND r.outcome = 'dose' AND r.municipality = $2)::int AS municipality_doses
		 FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id
		 WHERE e.batch_id = ANY($1::text[]) GROUP BY e.batch_id`,
		[rows.map((r) => r.id), municipality]
	);
	const byBatch = new Map(counts.rows.map((c) => [c.batch_id, c]));
	return rows.map((r) => {
		const c = byBatch.get(r.id);
		return {
			id: r.id,
			serviceDay: r.service_day,
			siteCode: r.site_code,
			deviceId: r.device_id,
			state: r.state,
			doses: c?.doses ?? 0,
			notVaccinated: c?.not_vaccinated ?? 0,
			voided: c?.voided ?? 0,
			...(municipality === null ? {} : { municipalityDoses: c?.municipality_doses ?? 0 })
		};
	});
}

/** Every municipality with doses waiting for its VRS file under this filter (the page's choice). */
export async function vrsMunicipalities(db: SqlExecutor, f: ExportFilter): Promise<VrsMunicipality[]> {
	const { rows } = await db.query<{ municipality: string; lines: number; batches: number }>(
		`SELECT municipality, count(DISTINCT ticket_number)::int AS lines, count(DISTINCT batch_id)::int AS batches
		 FROM (${VRS_PENDING}) p GROUP BY municipality ORDER BY municipality`,
		vrsPendingParams(f, null)
	);
	return rows.map((r) => ({ code: r.municipality, lines: Number(r.lines), batches: Number(r.batches) }));
}

const RECORD_SELECT = `SELECT r.record_id, r.current_event_id, r.versions, r.status, b.id AS batch_id, b.device_id, to_char(b.service_day, 'YYYY-MM-DD') AS service_day,
	   b.municipality, to_char(e.recorded_at AT TIME ZONE '${JAPAN_TIME_ZONE}', 'YYYY/MM/DD HH24:MI:SS') AS first_recorded_at,
	   to_char(r.given_at AT TIME ZONE '${JAPAN_TIME_ZONE}', 'YYYY/MM/DD HH24:MI:SS') AS given_at_jst, e.payload->>'operator' AS operator, r.record
	 FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id JOIN batches b ON b.id = e.batch_id`;

interface RecordRow {
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
}

const toRecord = (r: RecordRow): ExportRecord => ({
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
});

/**
 * Drops the records whose current version already went out in a file of this per-dose layout:
 * what a follow-up export of a batch exported before carries is what is new or changed since.
 */
async function notYetExported(db: SqlExecutor, layout: ExportLayout, records: ExportRecord[]): Promise<ExportRecord[]> {
	if (records.length === 0) return records;
	const { rows } = await db.query<{ record_id: string; current_event_id: string }>(
		'SELECT record_id, current_event_id FROM export_records WHERE layout = $1 AND record_id = ANY($2::uuid[])',
		[layout, records.map((r) => r.recordId)]
	);
	const sent = new Set(rows.map((r) => `${r.record_id} ${r.current_event_id}`));
	return records.filter((r) => !sent.has(`${r.recordId} ${r.currentEventId}`));
}

/** The records a per-dose export takes from these batches: all of them for a re-export, else the new or changed. */
async function perDoseRecords(
	db: SqlExecutor,
	layout: ExportLayout,
	f: ExportFilter,
	batchIds: string[]
): Promise<ExportRecord[]> {
	const records = await exportRecords(db, batchIds);
	return f.includeExported ? records : notYetExported(db, layout, records);
}

/** The current record of every dose and screening of these batches, in file order. */
export async function exportRecords(db: SqlExecutor, batchIds: string[]): Promise<ExportRecord[]> {
	const { rows } = await db.query<RecordRow>(
		`${RECORD_SELECT}
		 WHERE b.id = ANY($1::text[])
		 ORDER BY b.service_day, b.site_code, r.given_at, r.ticket_number, r.dose_number, r.record_id`,
		[batchIds]
	);
	return rows.map(toRecord);
}

/**
 * The doses of a VRS file for `municipality` taking these batches: every active dose of each
 * ticket of that municipality that has an active dose in the batches, from those batches or any
 * batch already exported (a snapshot of the ticket, so a line sent again replaces the old one
 * whole). Doses in batches not yet approved and exported stay out.
 */
export async function vrsRecords(db: SqlExecutor, municipality: string, batchIds: string[]): Promise<ExportRecord[]> {
	const { rows } = await db.query<RecordRow>(
		`${RECORD_SELECT}
		 WHERE r.status = 'active' AND r.outcome = 'dose' AND r.municipality = $1 AND (b.state = 'exported' OR b.id = ANY($2::text[]))
		   AND r.ticket_number IN (
		     SELECT r2.ticket_number FROM dose_records r2 JOIN dose_events e2 ON e2.event_id = r2.record_id
		     WHERE e2.batch_id = ANY($2::text[]) AND r2.municipality = $1 AND r2.status = 'active' AND r2.outcome = 'dose')
		 ORDER BY r.ticket_number, r.dose_number, r.given_at, r.record_id`,
		[municipality, batchIds]
	);
	return rows.map(toRecord);
}

export async function nameMasters(db: SqlExecutor): Promise<NameMasters> {
	const sites = await db.query<{ code: string; name: string }>('SELECT code, name FROM sites');
	const doctors = await db.query<{ code: string; name: string }>('SELECT code, name FROM doctors');
	return {
		sites: new Map(sites.rows.map((r) => [r.code, r.name])),
		doctors: new Map(doctors.rows.map((r) => [r.code, r.name]))
	};
}

const ticketCount = (records: readonly ExportRecord[]) =>
	new Set(records.map((r) => `${r.record.municipality}-${r.record.ticketNumber}`)).size;

/** What an export with this filter would take, and the names it lacks (for the page). */
export async function exportPreview(
	db: SqlExecutor,
	layout: ExportLayout,
	f: ExportFilter,
	home: string
): Promise<ExportPending> {
	const batches = await exportableBatches(db, layout, f, home);
	const municipality = municipalityOf(layout, f, home);
	const names = await nameMasters(db);
	if (municipality === null) {
		const records = await perDoseRecords(
			db,
			layout,
			f,
			batches.map((b) => b.id)
		);
		return { batches, rows: recordsOf(layout, records).length, missing: missingNames(layout, records, names) };
	}
	const records =
		batches.length === 0
			? []
			: await vrsRecords(
					db,
					municipality,
					batches.map((b) => b.id)
				);
	const municipalities = await vrsMunicipalities(db, f);
	for (const code of new Set([home, municipality]))
		if (!municipalities.some((m) => m.code === code)) municipalities.push({ code, lines: 0, batches: 0 });
	municipalities.sort((a, b) => a.code.localeCompare(b.code));
	return {
		batches,
		rows: ticketCount(records),
		missing: missingNames(layout, records, names),
		municipality,
		home,
		municipalities
	};
}

const compact = (day: string) => day.replaceAll('-', '');
const LAYOUT_FILE_NAMES: Record<ExportLayout, string> = { vrs: 'VRS形式', doses: '接種一覧', full: '全項目' };

/**
 * `接種記録_VRS形式_131016_20261122-20261123_SJIS.csv`, `接種記録_接種一覧_20261122-20261123_UTF8.csv`:
 * layout, (VRS) municipality, service-day span, encoding.
 */
function fileNameOf(
	layout: ExportLayout,
	encoding: ExportEncoding,
	municipality: string | null,
	days: string[]
): string {
	const span = `${compact(days[0]!)}-${compact(days.at(-1)!)}`;
	return `接種記録_${LAYOUT_FILE_NAMES[layout]}_${municipality === null ? '' : `${municipality}_`}${span}_${encoding === 'shift_jis' ? 'SJIS' : 'UTF8'}.csv`;
}

/** The ASCII fallback for Content-Disposition's plain `filename` (old clients). */
export const asciiFileName = (fileName: string) =>
	fileName
		.replace('接種記録_', 'vaccinations_')
		.replace('VRS形式', 'vrs')
		.replace('接種一覧', 'doses')
		.replace('全項目', 'full')
		.replace(/[^\x20-\x7e]/g, '_');

/**
 * Makes the file and, in the same transaction, stores it in `exports`, moves its approved
 * batches to 'exported' and appends the audit entry (identifiers, counts and the file's hash —
 * never row contents). A refusal (nothing to export, names missing, a dose number used twice on
 * one ticket, a text too long for its VRS column, a character Shift_JIS lacks) changes nothing.
 */
export async function createExport(
	db: SqlDatabase,
	req: {
		layout: ExportLayout;
		encoding: ExportEncoding;
		filter: ExportFilter;
		home: string;
		actor: AuditActor & { id: string };
		catalogs: Catalogs;
	}
): Promise<CreateExportResult> {
	return db.transaction(async (tx): Promise<CreateExportResult> => {
		await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.exports]);
		const municipality = municipalityOf(req.layout, req.filter, req.home);
		const batches = await exportableBatches(tx, req.layout, req.filter, req.home, true);
		if (batches.length === 0) return { ok: false, code: 'NOTHING_TO_EXPORT', municipality };
		const batchIds = batches.map((b) => b.id);
		const records =
			municipality === null
				? await perDoseRecords(tx, req.layout, req.filter, batchIds)
				: await vrsRecords(tx, municipality, batchIds);
		const names = await nameMasters(tx);
		const missing = missingNames(req.layout, records, names);
		if (missing.sites.length > 0 || missing.doctors.length > 0) return { ok: false, code: 'NAMES_MISSING', missing };
		const catalog = (await req.catalogs.current(tx)).catalog;
		let table: { header: readonly string[]; rows: string[][] };
		if (req.layout === 'vrs') {
			const vrs = vrsTable(records, names, catalog);
			if (!vrs.ok) return { ok: false, code: vrs.refusal.code, refusal: vrs.refusal };
			table = vrs;
		} else {
			table = layoutTable(req.layout, records, names, catalog);
		}
		let file: Buffer;
		try {
			file = encodeCsv(table.header, table.rows, req.encoding);
		} catch (e) {
			if (e instanceof UnencodableError)
				return { ok: false, code: 'UNENCODABLE', message: e.message, line: e.line, column: e.column };
			throw e;
		}
		const sha256 = createHash('sha256').update(file).digest();
		const id = newId();
		const fileName = fileNameOf(
			req.layout,
			req.encoding,
			municipality,
			batches.map((b) => b.serviceDay)
		);
		// A re-export: the file repeats batches already sent in this layout (VRS: to this municipality).
		const reexport =
			municipality === null
				? batches.some((b) => b.state === 'exported')
				: (
						await tx.query<{ n: number }>(
							`WITH done AS (${VRS_DONE}) SELECT count(*)::int AS n FROM done WHERE municipality = $1 AND batch_id = ANY($2::text[])`,
							[municipality, batchIds]
						)
					).rows[0]!.n > 0;
		const params: ExportFilter = {
			from: req.filter.from,
			to: req.filter.to,
			siteCode: req.filter.siteCode,
			includeExported: req.filter.includeExported ?? false,
			...(municipality === null ? {} : { municipality })
		};
		const inserted = await tx.query<{ created_at: Date | string }>(
			`INSERT INTO exports (id, layout, encoding, params, reexport, batch_ids, row_count, file_name, file_sha256, file, created_by, created_by_name, municipality)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING created_at`,
			[
				id,
				req.layout,
				req.encoding,
				JSON.stringify(params),
				reexport,
				JSON.stringify(batchIds),
				table.rows.length,
				fileName,
				sha256,
				file,
				req.actor.id,
				req.actor.name,
				municipality
			]
		);
		if (municipality === null) {
			const sent = recordsOf(req.layout, records);
			await tx.query(
				`INSERT INTO export_records (export_id, layout, record_id, current_event_id)
				 SELECT $1, $2, r, c FROM unnest($3::uuid[], $4::uuid[]) AS t(r, c)`,
				[id, req.layout, sent.map((r) => r.recordId), sent.map((r) => r.currentEventId)]
			);
		}
		await tx.query(
			`UPDATE batches SET state = 'exported', state_changed_at = now() WHERE id = ANY($1::text[]) AND state = 'approved'`,
			[batchIds]
		);
		await appendAudit(tx, {
			actor: req.actor,
			action: `export.${req.layout}`,
			target: id,
			detail: {
				batchIds,
				rows: table.rows.length,
				sha256: sha256.toString('hex'),
				encoding: req.encoding,
				reexport,
				params,
				...(municipality === null ? {} : { municipality })
			}
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
				municipality,
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
	municipality: string | null;
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
	municipality: r.municipality,
	createdBy: r.created_by_name,
	createdAt: new Date(r.created_at).toISOString()
});

const SUMMARY_COLUMNS =
	'id, layout, encoding, params, reexport, batch_ids, row_count, file_name, file_sha256, municipality::text AS municipality, created_by_name, created_at';

/** The export history, newest first. */
export async function listExports(db: SqlExecutor, limit = 200): Promise<ExportSummary[]> {
	const { rows } = await db.query<ExportRow>(
		`SELECT ${SUMMARY_COLUMNS} FROM exports ORDER BY created_at DESC, id DESC LIMIT $1`,
		[limit]
	);
	return rows.map(toSummary);
}

/** A past export's stored file, and the audit entry of its download (one transaction). */
export async function downloadExport(
	db: SqlDatabase,
	id: string,
	actor: AuditActor
): Promise<{ summary: ExportSummary; file: Buffer } | null> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<ExportRow & { file: Uint8Array }>(
			`SELECT ${SUMMARY_COLUMNS}, file FROM exports WHERE id = $1`,
			[id]
		);
		const r = rows[0];
		if (!r) return null;
		const summary = toSummary(r);
		await appendAudit(tx, {
			actor,
			action: 'export.download',
			target: id,
			detail: { layout: summary.layout, rows: summary.rows, sha256: summary.sha256, encoding: summary.encoding }
		});
		return { summary, file: Buffer.from(r.file) };
	});
}
