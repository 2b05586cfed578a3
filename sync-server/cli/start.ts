import { loadConfig, ConfigError } from '../config';
import { KeyFileError } from '../secrets/key-file';
import { startServer } from '../server';
import { buildClientIfStale } from './build-client';
import { nextStepLines } from './first-run';

/**
 * `npm start`: build the PWA if needed, open the ledger, serve everything on one port, and tell
 * the person at the keyboard what to do first.
 */
async function main() {
	let config;
	try {
		config = loadConfig();
	} catch (e) {
		if (e instanceof ConfigError) {
			console.error(`Configuration error: ${e.message}`);
			process.exit(2);
		}
		throw e;
	}
	if (!process.argv.includes('--no-build')) await buildClientIfStale();
	let server;
	try {
		server = await startServer(config);
	} catch (e) {
		if (e instanceof KeyFileError) {
			console.error(`Server key file error: ${e.message}`);
			process.exit(2);
		}
		throw e;
	}
	const lines = [
		`Vaccination sync server listening on ${server.url}`,
		`Ledger: ${server.ledger.db.backend === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}; municipality ${config.municipality}`,
		...(await nextStepLines(server))
	];
	console.log(lines.join('\n'));

	const shutdown = async (signal: string) => {
		console.log(`Received ${signal}, closing…`);
		await server.close();
		process.exit(0);
	};
	process.once('SIGINT', () => void shutdown('SIGINT'));
	// Fault tests only: stand for a ledger stuck inside WebAssembly (see pglite-worker.mjs).
	if (config.ledgerGuard.testHooks) process.on('SIGUSR2', () => server.ledger.db.blockForTest?.());
	process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
	console.error(e);
	process.exit(1);
});
