import { buildClientIfStale } from '../../sync-server/cli/build-client';
import { ROOT } from '../helpers/server-process';

export default async function globalSetup() {
	await buildClientIfStale(ROOT);
}
