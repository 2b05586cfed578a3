import { verifyAuditChain } from '../audit/audit-log';
import { loadConfig } from '../config';
import { rebuildProjections } from '../ledger/rebuild';
import { diskUsage } from '../ledger/disk-usage';
import { scanLedgerForMyNumbers } from '../ledger/scan-my-number';
import { tableCounts } from '../ledger/table-counts';
import { runCommand, withLedger } from './run-command';

/**
 * `npm run ledger -- <command>`: maintenance on the ledger of this configuration
 * (DATA_DIR or DATABASE_URL). With the embedded PGlite ledger, stop the server first: the data
 * directory belongs to one process at a time.
 *
 *   rebuild   recompute every projection from the raw signed updates
 *   stats          counts of devices, batches, raw updates and projected events; the ledger's
 *                  size on disk and (PGlite) the free space of its filesystem and the reserve
 *   verify-audit   walk the audit log's hash chain; exit 1 and name the first broken row
 *   scan-my-number read every text and JSON column of every table with the My Number guard;
 *                  print table, row key and column of each finding (never the value); exit 1
 *                  when anything is found
 */
const USAGE = 'usage: npm run ledger -- rebuild | stats | verify-audit | scan-my-number';
const COMMANDS = ['rebuild', 'stats', 'verify-audit', 'scan-my-number'];

async function main(): Promise<number> {
	const command = process.argv[2];
	if (!command || !COMMANDS.includes(command)) {
		console.error(USAGE);
		return 2;
	}
	const config = loadConfig();
	return withLedger(config, async ({ ledger }) => {
		if (command === 'rebuild') {
			const r = await rebuildProjections(ledger.db);
			console.log(`rebuilt ${r.events} events from ${r.updates} updates in ${r.batches} batches`);
		} else if (command === 'verify-audit') {
			const check = await verifyAuditChain(ledger.db);
			if (check.ok) {
				console.log(`audit chain intact: ${check.rows} entries`);
			} else {
				console.error(
					`audit chain BROKEN at entry ${check.brokenAt} (${check.reason}); the ${check.rows} entries before it are intact`
				);
				return 1;
			}
		} else if (command === 'scan-my-number') {
			const s = await scanLedgerForMyNumbers(ledger.db, (f) => console.log(`${f.table}\t${f.rowKey}\t${f.column}`));
			if (s.findings > 0) {
				console.error(
					`${s.findings} value(s) read as a My Number in ${s.rows} rows of ${s.tables} tables (table, row key, column above); purge or correct them`
				);
				return 1;
			}
			console.log(`no My Number found: ${s.rows} rows of ${s.tables} tables read`);
		} else {
			console.log(
				Object.entries(await tableCounts(ledger))
					.map(([k, v]) => `${k} ${v}`)
					.join('\n')
			);
			const disk = await diskUsage(ledger.db, config.databaseUrl ? null : config.dataDir);
			const mb = (n: number) => `${n} bytes (${(n / 1024 / 1024).toFixed(1)} MB)`;
			console.log(`database_size ${mb(disk.databaseBytes)}`);
			if (disk.dataDirBytes !== null) console.log(`data_dir_size ${mb(disk.dataDirBytes)}`);
			if (disk.freeBytes !== null) console.log(`disk_free ${mb(disk.freeBytes)}`);
			console.log(
				`disk_free_min ${mb(config.ledgerGuard.diskFreeMinBytes)}${config.databaseUrl ? ' (PostgreSQL: watch its own disk; disk_full errors pause ingest)' : ''}`
			);
		}
		return 0;
	});
}

runCommand(main);
