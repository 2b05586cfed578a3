import { newId } from '#shared/ids';
import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import type { LineError } from './format';
import type { ParsedRegister, RegisterRow } from './parse';

/** Rows per staging insert and per commit transaction: big enough to be fast, small enough that PGlite (which serialises transactions) keeps answering other requests between them. */
export const REGISTER_BATCH = 5000;
/** Errors kept for the preview; the counts are always complete. */
export const ERRORS_KEPT = 200;
const SAMPLE_ROWS = 20;
/** A preview nobody commits is discarded after this long, so staging does not grow for ever. */
const STALE_PREVIEW_HOURS = 24;
/**
 * PGlite runs each statement synchronously in this thread, so a loop of batches would never
 * let the event loop read another request (a progress poll, a device's sync) until it ends.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export type ImportState = 'previewed' | 'committing' | 'committed' | 'discarded';

export interface ImportSummary {
	id: string;
	fileName: string;
	encoding: string;
	sha256: string;
	fileBytes: number;
	totalRows: number;
	validRows: number;
	errorRows: number;
	state: ImportState;
	/** Commit progress: staged rows applied so far, out of validRows. */
	committedRows: number;
	insertedRows: number;
	updatedRows: number;
	unchangedRows: number;
	skippedInvalid: boolean;
	municipalities: Record<string, number>;
	ignoredColumns: string[];
	createdBy: string;
	createdAt: string;
	committedBy: string | null;
	committedAt: string | null;
}

export interface ImportPreview extends ImportSummary {
	/** The first ERRORS_KEPT errors, in line order. */
	errors: LineError[];
	/** The first staged rows, to check the columns were read as meant. */
	sample: RegisterRow[];
	/** An earlier committed import of the very same file (same SHA-256), if any. */
	sameFileAs: { id: string; committedAt: string } | null;
}

export interface RegisterTicket {
	municipality: string;
	ticketNumber: string;
	eligibleDoses: number[];
	movedOutOn: string | null;
	deceasedOn: string | null;
	importId: string;
	updatedAt: string;
}

export type CommitError = 'IMPORT_UNKNOWN' | 'IMPORT_DISCARDED' | 'HAS_ERRORS';
export type DiscardError = 'IMPORT_UNKNOWN' | 'IMPORT_NOT_PREVIEWED';

interface ImportRow {
	id: string;
	file_name: string;
	encoding: string;
	file_sha256: Uint8Array;
	file_bytes: number;
	total_rows: number;
	valid_rows: number;
	error_rows: number;
	errors: LineError[] | string;
	municipalities: Record<string, number> | string;
	ignored_columns: string[] | string;
	state: ImportState;
	committed_through_line: number;
	committed_rows: number;
	inserted_rows: number;
	updated_rows: number;
	unchanged_rows: number;
	skipped_invalid: boolean;
	created_by_name: string;
	created_at: Date | string;
	committed_by_name: string | null;
	committed_at: Date | string | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const iso = (d: Date | string) => new Date(d).toISOString();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const toSummary = (r: ImportRow): ImportSummary => ({
	id: r.id,
	fileName: r.file_name,
	encoding: r.encoding,
	sha256: hex(r.file_sha256),
	fileBytes: r.file_bytes,
	totalRows: r.total_rows,
	validRows: r.valid_rows,
	errorRows: r.error_rows,
	state: r.state,
	committedRows: r.committed_rows,
	insertedRows: r.inserted_rows,
	updatedRows: r.updated_rows,
	unchangedRows: r.unchanged_rows,
	skippedInvalid: r.skipped_invalid,
	municipalities: json(r.municipalities),
	ignoredColumns: json(r.ignored_columns),
	createdBy: r.created_by_name,
	createdAt: iso(r.created_at),
	committedBy: r.committed_by_name,
	committedAt: r.committed_at === null ? null : iso(r.committed_at)
});

/** Counts and the file's hash for the audit log: never row contents. */
const auditDetail = (s: ImportSummary) => ({
	fileName: s.fileName,
	sha256: s.sha256,
	encoding: s.encoding,
	totalRows: s.totalRows,
	validRows: s.validRows,
	errorRows: s.errorRows,
	...(s.state === 'committed'
		? {
				insertedRows: s.insertedRows,
				updatedRows: s.updatedRows,
				unchangedRows: s.unchangedRows,
				skippedInvalid: s.skippedInvalid
			}
		: {})
});

/**
 * The register and its imports. A file is staged (its valid rows in register_staging) when it
 * is previewed; a commit applies the staged rows in batches of REGISTER_BATCH, each batch one
 * transaction that also advances the import's cursor, so a commit cut short (crash, restart,
 * lost connection) resumes where it stopped when run again, from any server process.
 */
export class RegisterStore {
	constructor(private readonly db: SqlDatabase) {}

	/** Stores the preview of a parsed file and stages its valid rows, all or nothing. */
	async stage(parsed: ParsedRegister, fileName: string, fileBytes: number, actor: AuditActor): Promise<ImportPreview> {
		const id = newId();
		await this.db.transaction(async (tx) => {
			await this.discardStale(tx);
			await tx.query(
				`INSERT INTO register_imports (id, file_name, encoding, file_sha256, file_bytes, total_rows, valid_rows, error_rows, errors,
				   municipalities, ignored_columns, state, created_by, created_by_name)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'previewed', $12, $13)`,
				[
					id,
					fileName,
					parsed.encoding,
					parsed.sha256,
					fileBytes,
					parsed.totalRows,
					parsed.rows.length,
					parsed.errorRows,
					JSON.stringify(parsed.errors.slice(0, ERRORS_KEPT)),
					JSON.stringify(parsed.municipalities),
					JSON.stringify(parsed.ignoredColumns),
					actor.id,
					actor.name
				]
			);
			for (let i = 0; i < parsed.rows.length; i += REGISTER_BATCH) {
				if (i > 0) await yieldToEventLoop();
				const batch = parsed.rows.slice(i, i + REGISTER_BATCH).map((r) => ({
					l: r.line,
					m: r.municipality,
					t: r.ticketNumber,
					e: r.eligibleDoses,
					o: r.movedOutOn,
					d: r.deceasedOn
				}));
				// One parameter per batch (a JSON array) rather than 7 × 5000 placeholders.
				await tx.query(
					`INSERT INTO register_staging (import_id, line, municipality, ticket_number, eligible_doses, moved_out_on, deceased_on)
					 SELECT $1, r.l, r.m, r.t, r.e, r.o, r.d FROM jsonb_to_recordset($2::jsonb) AS r(l integer, m text, t text, e smallint[], o date, d date)`,
					[id, JSON.stringify(batch)]
				);
			}
			const summary = toSummary(await this.importRow(tx, id));
			await appendAudit(tx, { actor, action: 'register.preview', target: id, detail: auditDetail(summary) });
		});
		return (await this.preview(id))!;
	}

	async preview(id: string): Promise<ImportPreview | null> {
		const { rows } = await this.db.query<ImportRow>('SELECT * FROM register_imports WHERE id = $1', [id]);
		const r = rows[0];
		if (!r) return null;
		const sample = await this.db.query<{
			line: number;
			municipality: string;
			ticket_number: string;
			eligible_doses: number[];
			moved_out_on: string | null;
			deceased_on: string | null;
		}>(
			`SELECT line, municipality, ticket_number, eligible_doses, to_char(moved_out_on, 'YYYY-MM-DD') AS moved_out_on, to_char(deceased_on, 'YYYY-MM-DD') AS deceased_on
			 FROM register_staging WHERE import_id = $1 ORDER BY line LIMIT $2`,
			[id, SAMPLE_ROWS]
		);
		const same = await this.db.query<{ id: string; committed_at: Date | string }>(
			`SELECT id, committed_at FROM register_imports WHERE file_sha256 = $1 AND id <> $2 AND state = 'committed' ORDER BY committed_at DESC LIMIT 1`,
			[r.file_sha256, id]
		);
		return {
			...toSummary(r),
			errors: json(r.errors),
			sample: sample.rows.map((s) => ({
				line: s.line,
				municipality: s.municipality,
				ticketNumber: s.ticket_number,
				eligibleDoses: s.eligible_doses.map(Number),
				movedOutOn: s.moved_out_on,
				deceasedOn: s.deceased_on
			})),
			sameFileAs: same.rows[0] ? { id: same.rows[0].id, committedAt: iso(same.rows[0].committed_at) } : null
		};
	}

	/**
	 * Applies the staged rows, batch by batch. Identical rows are left untouched (their
	 * updated_at and import_id stay), so the same file again changes nothing. Calling it on a
	 * committed import returns its result; on one cut short, it carries on. `onBatch` sees the
	 * progress after each committed batch.
	 */
	async commit(
		id: string,
		actor: AuditActor,
		opts: { skipInvalid: boolean },
		onBatch?: (s: ImportSummary) => void
	): Promise<{ ok: true; summary: ImportSummary } | { ok: false; error: CommitError }> {
		for (;;) {
			const step = await this.db.transaction(async (tx) => {
				const r = await this.findRow(tx, id, true);
				if (!r) return { ok: false as const, error: 'IMPORT_UNKNOWN' as const };
				if (r.state === 'discarded') return { ok: false as const, error: 'IMPORT_DISCARDED' as const };
				if (r.state === 'committed') return { ok: true as const, done: true, summary: toSummary(r) };
				if (r.state === 'previewed') {
					if (r.error_rows > 0 && !opts.skipInvalid) return { ok: false as const, error: 'HAS_ERRORS' as const };
					await tx.query(
						`UPDATE register_imports SET state = 'committing', skipped_invalid = $2, committed_by = $3, committed_by_name = $4 WHERE id = $1`,
						[id, r.error_rows > 0, actor.id, actor.name]
					);
				}
				const { rows } = await tx.query<{ n: number; last_line: number | null; inserted: number; updated: number }>(
					`WITH batch AS (
					   SELECT * FROM register_staging WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3
					 ), applied AS (
					   INSERT INTO register_tickets AS t (municipality, ticket_number, eligible_doses, moved_out_on, deceased_on, import_id, updated_at)
					   SELECT municipality, ticket_number, eligible_doses, moved_out_on, deceased_on, $1, now() FROM batch
					   ON CONFLICT (municipality, ticket_number) DO UPDATE
					     SET eligible_doses = EXCLUDED.eligible_doses, moved_out_on = EXCLUDED.moved_out_on, deceased_on = EXCLUDED.deceased_on,
					         import_id = EXCLUDED.import_id, updated_at = now()
					     WHERE (t.eligible_doses, t.moved_out_on, t.deceased_on) IS DISTINCT FROM (EXCLUDED.eligible_doses, EXCLUDED.moved_out_on, EXCLUDED.deceased_on)
					   RETURNING (xmax = 0) AS inserted
					 )
					 SELECT (SELECT count(*) FROM batch)::int AS n, (SELECT max(line) FROM batch) AS last_line,
					        (SELECT count(*) FROM applied WHERE inserted)::int AS inserted, (SELECT count(*) FROM applied WHERE NOT inserted)::int AS updated`,
					[id, r.committed_through_line, REGISTER_BATCH]
				);
				const b = rows[0]!;
				const done = b.n < REGISTER_BATCH;
				await tx.query(
					`UPDATE register_imports SET committed_through_line = COALESCE($2, committed_through_line), committed_rows = committed_rows + $3,
					   inserted_rows = inserted_rows + $4, updated_rows = updated_rows + $5, unchanged_rows = unchanged_rows + $3 - $4 - $5,
					   state = CASE WHEN $6 THEN 'committed' ELSE state END, committed_at = CASE WHEN $6 THEN now() ELSE committed_at END
					 WHERE id = $1`,
					[id, b.last_line, b.n, b.inserted, b.updated, done]
				);
				const summary = toSummary(await this.importRow(tx, id));
				if (done) {
					await tx.query('DELETE FROM register_staging WHERE import_id = $1', [id]);
					await appendAudit(tx, { actor, action: 'register.import', target: id, detail: auditDetail(summary) });
				}
				return { ok: true as const, done, summary };
			});
			if (!step.ok) return step;
			onBatch?.(step.summary);
			if (step.done) return { ok: true, summary: step.summary };
			await yieldToEventLoop();
		}
	}

	/** Drops a preview that will not be committed. */
	async discard(
		id: string,
		actor: AuditActor
	): Promise<{ ok: true; summary: ImportSummary } | { ok: false; error: DiscardError }> {
		return this.db.transaction(async (tx) => {
			const r = await this.findRow(tx, id, true);
			if (!r) return { ok: false, error: 'IMPORT_UNKNOWN' };
			if (r.state !== 'previewed') return { ok: false, error: 'IMPORT_NOT_PREVIEWED' };
			await tx.query(`UPDATE register_imports SET state = 'discarded' WHERE id = $1`, [id]);
			await tx.query('DELETE FROM register_staging WHERE import_id = $1', [id]);
			const summary = toSummary(await this.importRow(tx, id));
			await appendAudit(tx, { actor, action: 'register.discard', target: id, detail: auditDetail(summary) });
			return { ok: true, summary };
		});
	}

	/** Newest first. */
	async list(limit = 50): Promise<ImportSummary[]> {
		const { rows } = await this.db.query<ImportRow>(
			'SELECT * FROM register_imports ORDER BY created_at DESC, id DESC LIMIT $1',
			[Math.min(limit, 500)]
		);
		return rows.map(toSummary);
	}

	async ticket(municipality: string, ticketNumber: string): Promise<RegisterTicket | null> {
		const { rows } = await this.db.query<{
			municipality: string;
			ticket_number: string;
			eligible_doses: number[];
			moved_out_on: string | null;
			deceased_on: string | null;
			import_id: string;
			updated_at: Date | string;
		}>(
			`SELECT municipality, ticket_number, eligible_doses, to_char(moved_out_on, 'YYYY-MM-DD') AS moved_out_on, to_char(deceased_on, 'YYYY-MM-DD') AS deceased_on,
			   import_id, updated_at FROM register_tickets WHERE municipality = $1 AND ticket_number = $2`,
			[municipality, ticketNumber]
		);
		const r = rows[0];
		return r
			? {
					municipality: r.municipality,
					ticketNumber: r.ticket_number,
					eligibleDoses: r.eligible_doses.map(Number),
					movedOutOn: r.moved_out_on,
					deceasedOn: r.deceased_on,
					importId: r.import_id,
					updatedAt: iso(r.updated_at)
				}
			: null;
	}

	private async findRow(tx: SqlExecutor, id: string, forUpdate = false): Promise<ImportRow | null> {
		const { rows } = await tx.query<ImportRow>(
			`SELECT * FROM register_imports WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
			[id]
		);
		return rows[0] ?? null;
	}

	private async importRow(tx: SqlExecutor, id: string): Promise<ImportRow> {
		const row = await this.findRow(tx, id);
		if (!row) throw new Error(`register import ${id} vanished inside its own transaction`);
		return row;
	}

	private async discardStale(tx: SqlExecutor): Promise<void> {
		const { rows } = await tx.query<{ id: string }>(
			`UPDATE register_imports SET state = 'discarded' WHERE state = 'previewed' AND created_at < now() - make_interval(hours => $1) RETURNING id`,
			[STALE_PREVIEW_HOURS]
		);
		if (rows.length > 0) {
			await tx.query(
				`DELETE FROM register_staging s USING register_imports i WHERE s.import_id = i.id AND i.state = 'discarded'`
			);
		}
	}
}
