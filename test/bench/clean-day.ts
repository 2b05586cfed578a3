import { sampleDose } from '#shared/domain/testing/fixtures';
import type { TestServer } from '../helpers/in-process-server';
import { OfficeClient } from '../helpers/office-client';

/**
 * The benches time a clean day, as a venue has it: each resident once (the simulated devices
 * and the peer workload give every dose a ticket of its own) and the lot on every record
 * delivered to its site. The reconciliation rules still judge every dose as it commits; what
 * they have to write is the rare finding, not two open items per dose. (Until 2026-12-06 every
 * bench dose was a duplicate of 29 others on a lot the ledger did not know: a third of the
 * PGlite ingest figure was the rules filing 12,000 items for a day of 6,000 doses.)
 */
export async function deliverSampleLot(url: string, sites: string[]): Promise<void> {
	const admin = await OfficeClient.login(url);
	const { product, lot } = sampleDose().vaccine;
	// Test doses expire in 2099 (test/helpers/fixtures.ts), whatever day the bench runs.
	await admin.json('PUT', '/api/office/lots', { product, lot, expiry: '2099-12-31', sites });
}

/**
 * After the timed parts: the rules judged the bench's doses and found nothing. A bench day that
 * raised findings (a fixture's lot or site changed, tickets repeating) would time the rules
 * filing items, not ingest, so the run stops and says why.
 */
export async function assertCleanDay(server: Pick<TestServer, 'reconciler' | 'ledger'>): Promise<void> {
	await server.reconciler.idle();
	const { rows } = await server.ledger.db.query<{ reason: string; n: number }>(
		'SELECT reason, count(*)::int AS n FROM reconciliation_items GROUP BY reason ORDER BY reason'
	);
	if (rows.length > 0)
		throw new Error(`the bench day was not clean: ${rows.map((r) => `${r.n} ${r.reason}`).join(', ')}`);
}
