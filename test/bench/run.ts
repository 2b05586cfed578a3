/**
 * `npm run bench`: figures one per line, `bench <name> <value> <unit>`.
 * Each backend gets a fresh server in this process (PGlite in a temporary directory,
 * PostgreSQL in a temporary database).
 *
 * `npm run bench -- chromium` (or another part's name: pglite, postgres, peer, storm) runs only
 * the parts named, so one figure can be taken again alone without the half hour of the rest.
 */
import { cpus, totalmem } from 'node:os';
import { startTestServer } from '../helpers/in-process-server';
import { createTestDatabase } from '../helpers/postgres';
import { simulate } from '../tools/simulate';
import { benchPeer } from './peer';
import { benchReconnectStorm } from './reconnect-storm';

const print = (name: string, value: number, unit: string) =>
	console.log(`bench ${name} ${value.toFixed(value >= 100 ? 0 : 2)} ${unit}`);

async function onBackend(name: 'pglite' | 'postgres') {
	const db = name === 'postgres' ? await createTestDatabase() : null;
	const server = await startTestServer({
		...(db ? { DATABASE_URL: db.url } : {}),
		LOG_LEVEL: 'warn',
		HANDSHAKE_BURST: '100000'
	});
	try {
		// End-to-end ingest: 20 devices × 250 doses recorded offline, then all connect. The
		// server's figures: devices in memory (the device-store contract proves that store
		// behaves as the PWA's), so the devices' own sealing is not what is timed.
		const ingest = await simulate({ url: server.url, devices: 20, doses: 250, offlineFirst: true, store: 'memory' });
		if (ingest.receipted !== ingest.total) throw new Error(`only ${ingest.receipted}/${ingest.total} receipted`);
		print(`ingest_doses_per_s_${name}`, ingest.total / ingest.seconds, 'doses/s');
		// One device, a whole day recorded offline: 5,000 doses.
		const big = await simulate({ url: server.url, devices: 1, doses: 5000, offlineFirst: true, store: 'memory' });
		if (big.receipted !== big.total) throw new Error(`only ${big.receipted}/${big.total} receipted`);
		print(`sync_5000_offline_doses_one_device_${name}`, big.seconds, 's');
		await (await import('./register')).benchRegisterImport(server.url, name, print);
	} finally {
		await server.dispose();
		await db?.drop();
	}
}

const PARTS = ['pglite', 'postgres', 'peer', 'storm', 'chromium'] as const;
type Part = (typeof PARTS)[number];
const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !(PARTS as readonly string[]).includes(a));
if (unknown.length > 0) {
	console.error(`unknown bench part: ${unknown.join(', ')} (known: ${PARTS.join(', ')})`);
	process.exit(2);
}
/** Whether this run includes a part: every part when none is named. */
const runs = (part: Part) => asked.length === 0 || asked.includes(part);

console.log(
	`# ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`
);
if (runs('pglite')) await onBackend('pglite');
if (runs('postgres')) await onBackend('postgres');
// Against a peer sync server (Hocuspocus 3), same updates, same machine, same run.
if (runs('peer')) await benchPeer(print);
// 500 up-to-date devices reconnecting at once.
if (runs('storm')) await benchReconnectStorm(print);
// The station in Debian's Chromium: scan-to-saved with 300 and 10,000 doses stored, offline cold start.
if (runs('chromium')) await (await import('./chromium')).chromiumFigures(print, process.env.BENCH_CHROMIUM_PROFILE);
