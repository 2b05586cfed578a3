import type { VaccineCatalog } from '#shared/index';
import type { CatalogChangeAction } from '#shared/office/catalog-api';
import { appendAudit, type AuditActor } from '../audit/audit-log';
import type { Ledger } from '../ledger/ledger';
import type { Catalogs } from './catalogs';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

export type CatalogChange =
	| { ok: true; catalog: VaccineCatalog; changed: boolean; audit: Record<string, unknown> }
	| { ok: false; code: string; message: string; path?: string };

export type StoreCatalogResult =
	| { ok: true; version: number; changed: boolean }
	| { ok: false; status: 400 | 409; code: string; message: string; path?: string; current?: number };

/**
 * Stores a change to the vaccine catalogue as a new version, with its audit entry, in one
 * transaction. `change` gets the current catalogue and returns the whole new one (already
 * checked) or a refusal. Optimistic concurrency: the change names the version it was based on;
 * if another version was stored since, it is refused with CATALOG_STALE (409) and nothing is
 * stored — unless it changes nothing on the current version (the same edit or file sent again),
 * which answers as done: that is what makes a retried request and a re-imported file idempotent.
 */
export async function storeCatalogChange(
	ledger: Ledger,
	catalogs: Catalogs,
	req: {
		basedOn: number;
		actor: AuditActor;
		action: string;
		target: string | null;
		change: (current: VaccineCatalog) => CatalogChange;
	}
): Promise<StoreCatalogResult> {
	return ledger.db.transaction(async (tx): Promise<StoreCatalogResult> => {
		await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.catalog]);
		const current = await catalogs.current(tx);
		const r = req.change(current.catalog);
		if (!r.ok)
			return {
				ok: false,
				status: 400,
				code: r.code,
				message: r.message,
				...(r.path !== undefined ? { path: r.path } : {})
			};
		if (!r.changed) return { ok: true, version: current.version, changed: false };
		if (req.basedOn !== current.version) {
			return {
				ok: false,
				status: 409,
				code: 'CATALOG_STALE',
				message: `ワクチン製品の設定は、この画面を開いた後に更新されています（版 ${req.basedOn} → ${current.version}）。最新の内容を読み込んでからもう一度変更してください。`,
				current: current.version
			};
		}
		const version = current.version + 1;
		if (!(await ledger.appendCatalogVersion(tx, version, r.catalog, req.actor))) {
			return {
				ok: false,
				status: 409,
				code: 'CATALOG_STALE',
				message: 'ワクチン製品の設定が同時に更新されました。もう一度読み込んでください。',
				current: version
			};
		}
		await appendAudit(tx, {
			actor: req.actor,
			action: req.action,
			target: req.target,
			detail: { version, basedOn: req.basedOn, ...r.audit }
		});
		return { ok: true, version, changed: true };
	});
}

export const toAction = (changed: boolean, action: CatalogChangeAction): CatalogChangeAction =>
	changed ? action : 'unchanged';
