import { buildClientIfStale } from '../../sync-server/cli/build-client';
import { ROOT, useLedgerTemplate } from '../helpers/server-process';

/** The client built once; one ledger made by a first start, copied for each test's server. Returns the teardown. */
export default async function globalSetup() {
	await buildClientIfStale(ROOT);
	return useLedgerTemplate();
}
