import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../sync-server/config';
import { createLogger } from '../../sync-server/logger';
import { startServer, type RunningServer, type ServerOptions } from '../../sync-server/server';
import { setUpTestAdmin } from './office-client';

export interface TestServer extends RunningServer {
	dataDir: string;
	logs: string[];
	dispose(): Promise<void>;
}

/** The real server in this process on a free port, with its own ledger. */
export async function startTestServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<TestServer> {
	const dataDir = await mkdtemp(join(tmpdir(), 'vacc-it-'));
	const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, STATIC_DIR: join(dataDir, 'no-client'), ...env });
	const logs: string[] = [];
	const server = await startServer(config, createLogger((l) => logs.push(l)), options);
	const token = server.setupToken();
	if (token) await setUpTestAdmin(server.url, token);
	return {
		...server,
		dataDir,
		logs,
		dispose: async () => {
			await server.close();
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}
