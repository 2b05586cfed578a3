import pg from 'pg';
import { pgliteRows } from '../helpers/ledger-rows';

/**
 * Event ids of every projected dose event, read straight from the database: from PostgreSQL
 * when a URL is given, otherwise from the PGlite data directory (its server must be stopped).
 */
export async function doseEventIds(ledger: { databaseUrl?: string | undefined; dataDir: string }): Promise<string[]> {
	if (!ledger.databaseUrl)
		return (await pgliteRows<{ event_id: string }>(ledger.dataDir, 'SELECT event_id FROM dose_events')).map(
			(r) => r.event_id
		);
	const c = new pg.Client({ connectionString: ledger.databaseUrl });
	await c.connect();
	try {
		return (await c.query<{ event_id: string }>('SELECT event_id FROM dose_events')).rows.map((r) => r.event_id);
	} finally {
		await c.end();
	}
}
