import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../sync-server/config';
import { createLogger } from '../../sync-server/logger';
import { startServer, type RunningServer, type ServerOptions } from '../../sync-server/server';
import { removeTestKeyFile, testKeyFile } from './key-file';
import { backendEnv, type Backend } from './postgres';
import { setUpTestAdmin } from './office-client';

export interface TestServer extends RunningServer {
	dataDir: string;
	/** Its SERVER_KEY_FILE (see key-file.ts). */
	keyFile: string;
	logs: string[];
	dispose(): Promise<void>;
}

/**
 * The real server in this process on a free port, with its own ledger and key file (a DATA_DIR
 * in env reuses that ledger, e.g. after a restart).
 */
export async function startTestServer(
	env: Record<string, string> = {},
	options: ServerOptions = {}
): Promise<TestServer> {
	const ownDir = env.DATA_DIR ? null : await mkdtemp(join(tmpdir(), 'vacc-it-'));
	const dataDir = env.DATA_DIR ?? ownDir!;
	const keyFile = testKeyFile(env, dataDir);
	const config = loadConfig({
		PORT: '0',
		DATA_DIR: dataDir,
		STATIC_DIR: join(dataDir, 'no-client'),
		...env,
		SERVER_KEY_FILE: keyFile
	});
	const logs: string[] = [];
	const server = await startServer(
		config,
		// LOG_LEVEL as the real server reads it: a bench asking for warnings only must not pay
		// for (and keep in memory) an info line per stored update.
		createLogger((l) => logs.push(l), config.logLevel),
		options
	);
	const token = server.setupToken();
	if (token) await setUpTestAdmin(server.url, token);
	return {
		...server,
		dataDir,
		keyFile,
		logs,
		dispose: async () => {
			await server.close();
			if (ownDir) {
				await rm(ownDir, { recursive: true, force: true });
				if (!env.DATABASE_URL && !env.SERVER_KEY_FILE) await removeTestKeyFile(keyFile);
			}
		}
	};
}

/**
 * startTestServer on a backend: on PostgreSQL with a database of its own, which dispose() drops
 * after the server is closed.
 */
export async function startBackendServer(
	backend: Backend,
	env: Record<string, string> = {},
	options: ServerOptions = {}
): Promise<TestServer> {
	const db = await backendEnv(backend);
	let server: TestServer;
	try {
		server = await startTestServer({ ...db.env, ...env }, options);
	} catch (e) {
		await db.cleanup();
		throw e;
	}
	return {
		...server,
		dispose: async () => {
			try {
				await server.dispose();
			} finally {
				await db.cleanup();
			}
		}
	};
}
