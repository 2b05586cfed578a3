import { createHash } from 'node:crypto';
import type { AuditRow, ChainCheck } from '#shared/office/api-types';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

export type { AuditRow, ChainCheck };

/** Who did it: a back-office user, or the system itself (CLI, first-run setup). */
export interface AuditActor {
	id: string | null;
	name: string;
}

export interface AuditEntry {
	actor: AuditActor;
	/** Dotted verb, e.g. `login.ok`, `device.revoke`, `register.import`, `export.vrs`. */
	action: string;
	/** What it was done to: a user id, device id, batch id, ticket, file name… Never a My Number. */
	target?: string | null;
	/** Identifiers and counts; never personal data beyond what the ledger already holds. */
	detail?: Record<string, unknown>;
}

const GENESIS = Buffer.alloc(32);

/** JSON with object keys sorted at every depth: the same value always hashes the same, whatever order jsonb returns keys in. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const o = value as Record<string, unknown>;
		return `{${Object.keys(o)
			.sort()
			.filter((k) => o[k] !== undefined)
			.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value);
}

function rowHash(prev: Uint8Array, row: AuditRow): Buffer {
	return createHash('sha256').update(prev).update(canonical(row)).digest();
}

/**
 * Appends one entry. Call it inside the transaction that makes the change it records, so the
 * change and its audit row commit together or not at all.
 */
export async function appendAudit(tx: SqlExecutor, entry: AuditEntry): Promise<AuditRow> {
	await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.audit]);
	const last = await tx.query<{ seq: number; hash: Uint8Array }>(
		'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'
	);
	const prev = last.rows[0] ? Buffer.from(last.rows[0].hash) : GENESIS;
	const row: AuditRow = {
		seq: (last.rows[0] ? Number(last.rows[0].seq) : 0) + 1,
		at: new Date().toISOString(),
		actorId: entry.actor.id,
		actor: entry.actor.name,
		action: entry.action,
		target: entry.target ?? null,
		detail: entry.detail ?? {}
	};
	await tx.query(
		`INSERT INTO audit_log (seq, at, actor_id, actor, action, target, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		[
			row.seq,
			row.at,
			row.actorId,
			row.actor,
			row.action,
			row.target,
			JSON.stringify(row.detail),
			prev,
			rowHash(prev, row)
		]
	);
	return row;
}

/** Appends one entry in a transaction of its own (for events that change nothing else, such as a login). */
export function audit(db: SqlDatabase, entry: AuditEntry): Promise<AuditRow> {
	return db.transaction((tx) => appendAudit(tx, entry));
}

interface StoredRow {
	seq: number;
	at: Date | string;
	actor_id: string | null;
	actor: string;
	action: string;
	target: string | null;
	detail: Record<string, unknown> | string;
	prev_hash: Uint8Array;
	hash: Uint8Array;
}

const toRow = (r: StoredRow): AuditRow => ({
	seq: Number(r.seq),
	at: new Date(r.at).toISOString(),
	actorId: r.actor_id,
	actor: r.actor,
	action: r.action,
	target: r.target,
	detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail
});

/** Walks the whole chain in pages; reports the first row whose hash, link or sequence is wrong. */
export async function verifyAuditChain(db: SqlExecutor, pageSize = 5000): Promise<ChainCheck> {
	let prev: Buffer = GENESIS;
	let expectedSeq = 1;
	for (;;) {
		const { rows } = await db.query<StoredRow>('SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2', [
			expectedSeq,
			pageSize
		]);
		for (const r of rows) {
			const row = toRow(r);
			if (row.seq !== expectedSeq) return { ok: false, rows: expectedSeq - 1, brokenAt: expectedSeq, reason: 'gap' };
			if (!prev.equals(Buffer.from(r.prev_hash)))
				return { ok: false, rows: expectedSeq - 1, brokenAt: row.seq, reason: 'link' };
			const hash = rowHash(prev, row);
			if (!hash.equals(Buffer.from(r.hash)))
				return { ok: false, rows: expectedSeq - 1, brokenAt: row.seq, reason: 'hash' };
			prev = hash;
			expectedSeq++;
		}
		if (rows.length < pageSize) return { ok: true, rows: expectedSeq - 1 };
	}
}

export interface AuditFilter {
	action?: string | undefined;
	actorId?: string | undefined;
	target?: string | undefined;
	from?: string | undefined;
	to?: string | undefined;
	beforeSeq?: number | undefined;
	limit?: number | undefined;
}

/** Newest first, filtered; `action` matches a prefix (`device.` finds every device action). */
export async function listAudit(db: SqlExecutor, f: AuditFilter): Promise<AuditRow[]> {
	const { rows } = await db.query<StoredRow>(
		`SELECT * FROM audit_log
		 WHERE ($1::text IS NULL OR action LIKE $1 || '%')
		   AND ($2::uuid IS NULL OR actor_id = $2)
		   AND ($3::text IS NULL OR target = $3)
		   AND ($4::timestamptz IS NULL OR at >= $4)
		   AND ($5::timestamptz IS NULL OR at < $5)
		   AND ($6::bigint IS NULL OR seq < $6)
		 ORDER BY seq DESC LIMIT $7`,
		[
			f.action ?? null,
			f.actorId ?? null,
			f.target ?? null,
			f.from ?? null,
			f.to ?? null,
			f.beforeSeq ?? null,
			Math.min(f.limit ?? 100, 1000)
		]
	);
	return rows.map(toRow);
}
