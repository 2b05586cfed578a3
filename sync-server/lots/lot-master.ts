import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { LotRecord } from '../ledger/ledger';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import type { LotLine } from './lot-csv';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

/**
 * Changes to the lot master from the back office: one lot edited, or a CSV file applied. Each
 * change commits with its audit entry. Applying a file is idempotent: a lot already as the file
 * says is left alone (not even its updated_at moves), so importing the same file twice changes
 * nothing the second time. Devices receive their site's lots at their next connection.
 */

export type LotAction = 'insert' | 'update' | 'unchanged';
export interface PlannedLot extends LotLine {
	action: LotAction;
	/** The stored values an update replaces. */
	before: { expiry: string; sites: string[] } | null;
}

const sameSites = (a: readonly string[], b: readonly string[]) =>
	a.length === b.length && [...a].sort().every((s, i) => s === [...b].sort()[i]);

async function storedLots(
	db: SqlExecutor,
	keys: { product: string; lot: string }[]
): Promise<Map<string, { expiry: string; sites: string[] }>> {
	if (keys.length === 0) return new Map();
	const { rows } = await db.query<{ product: string; lot: string; expiry: string; sites: string[] | string }>(
		`SELECT l.product, l.lot, to_char(l.expiry, 'YYYY-MM-DD') AS expiry, l.sites FROM lots l
		 JOIN unnest($1::text[], $2::text[]) AS k(product, lot) ON k.product = l.product AND k.lot = l.lot`,
		[keys.map((k) => k.product), keys.map((k) => k.lot)]
	);
	return new Map(
		rows.map((r) => [
			`${r.product}\u0000${r.lot}`,
			{ expiry: r.expiry, sites: typeof r.sites === 'string' ? (JSON.parse(r.sites) as string[]) : r.sites }
		])
	);
}

/** What applying these lots would do to each. */
export async function planLots(db: SqlExecutor, lots: readonly LotLine[]): Promise<PlannedLot[]> {
	const stored = await storedLots(db, [...lots]);
	return lots.map((l) => {
		const before = stored.get(`${l.product}\u0000${l.lot}`) ?? null;
		const action: LotAction = !before
			? 'insert'
			: before.expiry === l.expiry && sameSites(before.sites, l.sites)
				? 'unchanged'
				: 'update';
		return { ...l, action, before };
	});
}

async function upsert(tx: SqlExecutor, l: LotRecord): Promise<void> {
	await tx.query(
		`INSERT INTO lots (product, lot, expiry, sites) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (product, lot) DO UPDATE SET expiry = $3, sites = $4, updated_at = now()`,
		[l.product, l.lot, l.expiry, JSON.stringify(l.sites)]
	);
}

/** Applies a checked file: inserts and updates, one audit entry for the import (counts and hash). */
export async function applyLotFile(
	db: SqlDatabase,
	file: { sha256: string; lots: readonly LotLine[]; fileName: string | null },
	actor: AuditActor
): Promise<{ inserted: number; updated: number; unchanged: number }> {
	return db.transaction(async (tx) => {
		// One import at a time: two imports planned against the same stored state would both count as inserts.
		await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.reconciliation]);
		const plan = await planLots(tx, file.lots);
		for (const p of plan) if (p.action !== 'unchanged') await upsert(tx, p);
		const counts = {
			inserted: plan.filter((p) => p.action === 'insert').length,
			updated: plan.filter((p) => p.action === 'update').length,
			unchanged: plan.filter((p) => p.action === 'unchanged').length
		};
		await appendAudit(tx, {
			actor,
			action: 'lot.import',
			target: file.fileName,
			detail: {
				sha256: file.sha256,
				...counts,
				changed: plan.filter((p) => p.action !== 'unchanged').map((p) => `${p.product}/${p.lot}`)
			}
		});
		return counts;
	});
}

/** Creates or edits one lot; the audit entry keeps the values it replaced. */
export async function putLot(db: SqlDatabase, l: LotRecord, actor: AuditActor): Promise<LotAction> {
	return db.transaction(async (tx) => {
		const [p] = await planLots(tx, [{ ...l, lines: [] }]);
		if (p!.action !== 'unchanged') {
			await upsert(tx, l);
			await appendAudit(tx, {
				actor,
				action: 'lot.put',
				target: `${l.product}/${l.lot}`,
				detail: { expiry: l.expiry, sites: l.sites, before: p!.before }
			});
		}
		return p!.action;
	});
}

export type DeleteLotResult =
	{ ok: true } | { ok: false; code: 'LOT_UNKNOWN' } | { ok: false; code: 'LOT_IN_USE'; records: number };

/**
 * Removes a lot entered by mistake (a typo, the wrong product), so devices stop offering it.
 * Refused while any record in the ledger names it: the lot checks of those records need it, and
 * such a lot is corrected (expiry, sites) instead. Records still on a tablet that name it reach
 * the queue as "lot unknown" when they sync, which is what the office wants to see. Audited
 * with the values it had.
 */
export async function deleteLot(
	db: SqlDatabase,
	key: { product: string; lot: string },
	actor: AuditActor
): Promise<DeleteLotResult> {
	return db.transaction(async (tx) => {
		// The import's lock: a file being applied must not put the lot back half-way.
		await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.reconciliation]);
		const [before] = [...(await storedLots(tx, [key])).values()];
		if (!before) return { ok: false as const, code: 'LOT_UNKNOWN' as const };
		const { rows } = await tx.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM dose_events WHERE payload->'vaccine'->>'product' = $1 AND payload->'vaccine'->>'lot' = $2`,
			[key.product, key.lot]
		);
		const records = rows[0]!.n;
		if (records > 0) return { ok: false as const, code: 'LOT_IN_USE' as const, records };
		await tx.query('DELETE FROM lots WHERE product = $1 AND lot = $2', [key.product, key.lot]);
		await appendAudit(tx, { actor, action: 'lot.delete', target: `${key.product}/${key.lot}`, detail: { before } });
		return { ok: true as const };
	});
}

export type NameKind = 'sites' | 'doctors';
export interface NamedCode {
	code: string;
	name: string;
}

/** The site or doctor names (code → name) the exports write. */
export async function listNames(db: SqlExecutor, kind: NameKind): Promise<NamedCode[]> {
	const { rows } = await db.query<NamedCode>(
		`SELECT code, name FROM ${kind === 'sites' ? 'sites' : 'doctors'} ORDER BY code`
	);
	return rows;
}

/**
 * Sets one name. The audit entry names the code; a doctor's name (staff personal data) is not
 * copied into the audit log, a site's name is.
 */
export async function putName(db: SqlDatabase, kind: NameKind, entry: NamedCode, actor: AuditActor): Promise<void> {
	const table = kind === 'sites' ? 'sites' : 'doctors';
	await db.transaction(async (tx) => {
		await tx.query(
			`INSERT INTO ${table} (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = $2, updated_at = now()`,
			[entry.code, entry.name]
		);
		await appendAudit(tx, {
			actor,
			action: kind === 'sites' ? 'site.put' : 'doctor.put',
			target: entry.code,
			detail: kind === 'sites' ? { name: entry.name } : {}
		});
	});
}
