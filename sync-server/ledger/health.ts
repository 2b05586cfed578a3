import type { DiskGuard, DiskReport } from './disk-guard';
import type { SqlDatabase } from './sql';

/** The embedded ledger's supervisor's view: answering, or stuck (and being reopened) since when and why. */
export type LedgerHealthReport = { ok: true } | { ok: false; reason: string; since: string };

export interface Readiness {
	ready: boolean;
	ledger: { ok: boolean; backend: 'pglite' | 'postgres'; reason?: string; since?: string };
	disk: DiskReport;
	/** PostgreSQL only: the LISTEN connection that brings other processes' updates. */
	notices?: { ok: boolean; reason?: string };
}

export interface ReadinessDeps {
	db: SqlDatabase;
	disk: DiskGuard;
	notices: { connected: boolean } | null;
	/** Longest the probe query may take before the ledger counts as not answering. */
	probeTimeoutMs: number;
}

/**
 * What a load balancer asks before sending devices here (/readyz): the ledger answers a query
 * within the bound, its disk is above the threshold, and on PostgreSQL the notice connection is
 * up. Each part says what is wrong, so the operator reading the JSON knows where to look.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
	const backend = deps.db.backend;
	let ledger: Readiness['ledger'];
	const supervised = deps.db.health?.();
	if (supervised && !supervised.ok) {
		ledger = { ok: false, backend, reason: supervised.reason, since: supervised.since };
	} else {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const bound = new Promise<string>(
			(r) =>
				(timer = setTimeout(() => r(`the ledger did not answer within ${deps.probeTimeoutMs} ms`), deps.probeTimeoutMs))
		);
		const probe = deps.db.query('SELECT 1').then(
			() => null,
			(e: unknown) => `the ledger query failed: ${e instanceof Error ? e.message : String(e)}`
		);
		const failure = await Promise.race([probe, bound]);
		clearTimeout(timer);
		ledger = failure ? { ok: false, backend, reason: failure } : { ok: true, backend };
	}
	const disk = deps.disk.report();
	const notices = deps.notices
		? deps.notices.connected
			? { ok: true }
			: { ok: false, reason: 'the notice connection to PostgreSQL is down (reconnecting)' }
		: undefined;
	return { ready: ledger.ok && disk.ok && (notices?.ok ?? true), ledger, disk, ...(notices ? { notices } : {}) };
}
