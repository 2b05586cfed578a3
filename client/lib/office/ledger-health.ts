/** What the office banner needs from /readyz (sync-server/http/health-routes.ts). */
export interface LedgerTrouble {
	kind: 'disk' | 'ledger' | 'notices';
	/** Free bytes on the ledger's disk and the reserve, when the disk is the trouble. */
	freeBytes?: number | null;
	thresholdBytes?: number;
}

/** Reads /readyz: null when ready (or when the answer is not the server's JSON), else the first trouble. */
export async function ledgerTrouble(fetcher: typeof fetch = fetch): Promise<LedgerTrouble | null> {
	const res = await fetcher('/readyz', { cache: 'no-store' });
	if (res.ok) return null;
	const body = (await res.json().catch(() => null)) as {
		ledger?: { ok: boolean };
		disk?: { ok: boolean; freeBytes: number | null; thresholdBytes: number };
		notices?: { ok: boolean };
	} | null;
	if (!body) return { kind: 'ledger' };
	if (body.disk && !body.disk.ok)
		return { kind: 'disk', freeBytes: body.disk.freeBytes, thresholdBytes: body.disk.thresholdBytes };
	if (body.notices && !body.notices.ok) return { kind: 'notices' };
	return { kind: 'ledger' };
}
