import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { loadConfig } from '../config';
import { startServer } from '../server';
import { nextStepLines } from './first-run';

/**
 * `npm run dev`: the sync server (API, WebSocket, ledger) on PORT, and Vite's dev server with
 * hot reload in front of it, forwarding /api, /healthz and /sync (see vite.config.ts).
 */
async function main() {
	const config = loadConfig();
	const server = await startServer(config);
	console.log([`Sync server on ${server.url}`, ...(await nextStepLines(server))].join('\n'));
	const vite = spawn(process.execPath, [resolve('node_modules/vite/bin/vite.js'), 'dev'], {
		stdio: 'inherit',
		env: { ...process.env, SYNC_SERVER_URL: server.url }
	});
	const stop = async () => {
		vite.kill('SIGTERM');
		await server.close();
		process.exit(0);
	};
	vite.on('exit', () => void stop());
	process.once('SIGINT', () => void stop());
	process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
	console.error(e);
	process.exit(1);
});
