/**
 * `npm run bench`: figures one per line, `bench <name> <value> <unit>`.
 * Each backend gets a fresh server in this process (PGlite in a temporary directory,
 * PostgreSQL in a temporary database).
 *
 * `npm run bench -- <part> …` runs only the parts named (see PARTS), e.g. `-- peer` or
 * `-- ingest storm`: profiling one path should not wait for the others.
 */
import { cpus, totalmem } from 'node:os';
import { startTestServer } from '../helpers/in-process-server';
import { createTestDatabase } from '../helpers/postgres';
import { NODE_DEVICE_CRYPTO } from '../helpers/node-device-crypto';
import { simulate, simulatedSites } from '../tools/simulate';
import { assertCleanDay, deliverSampleLot } from './clean-day';
import { benchPeer } from './peer';
import { benchReconnectStorm } from './reconnect-storm';

const PARTS = {
	ingest: 'ingest_doses_per_s_* and sync_5000_offline_doses_one_device_* on both backends',
	register: 'register_import_100k_rows_* on both backends',
	pglite: 'PGlite only (with ingest or register: only those lines)',
	postgres: 'PostgreSQL only (with ingest or register: only those lines)',
	peer: 'peer_* (ours against Hocuspocus 3 and y-websocket, PostgreSQL)',
	storm: 'reconnect_storm_*',
	chromium: 'chromium_* (the station in Debian’s Chromium)'
} as const;
type Part = keyof typeof PARTS;

const asked = process.argv.slice(2);
const unknown = asked.filter((p) => !(p in PARTS));
if (unknown.length > 0) {
	console.error(`unknown bench part: ${unknown.join(', ')}; parts are:`);
	for (const [name, what] of Object.entries(PARTS)) console.error(`  ${name.padEnd(9)} ${what}`);
	process.exit(2);
}
const wants = (p: Part) => asked.length === 0 || asked.includes(p);

const print = (name: string, value: number, unit: string) =>
	console.log(`bench ${name} ${value.toFixed(value >= 100 ? 0 : 2)} ${unit}`);

async function onBackend(name: 'pglite' | 'postgres') {
	// A backend named alone runs its ingest and register lines; with `ingest` or `register`
	// beside it, only those. Neither backend named: both, for what was asked.
	const backends = asked.filter((p) => p === 'pglite' || p === 'postgres');
	if (backends.length > 0 && !backends.includes(name)) return;
	const lines = asked.filter((p) => p === 'ingest' || p === 'register');
	const all = asked.length === 0 || (backends.length > 0 && lines.length === 0);
	const ingest = all || lines.includes('ingest');
	const register = all || lines.includes('register');
	if (!ingest && !register) return;
	const db = name === 'postgres' ? await createTestDatabase() : null;
	const server = await startTestServer({
		...(db ? { DATABASE_URL: db.url } : {}),
		LOG_LEVEL: 'warn',
		HANDSHAKE_BURST: '100000'
	});
	try {
		if (ingest) {
			// End-to-end ingest: 20 devices × 250 doses recorded offline, then all connect. The
			// server's figures: the devices run in this process, so they keep their records in
			// memory (the device-store contract proves that store behaves as the PWA's) and sign
			// and check through node:crypto (same bytes as the station's tweetnacl), so that their
			// own work is not what is timed.
			const day = (devices: number, doses: number, firstTicket: number) =>
				simulate({
					url: server.url,
					devices,
					doses,
					offlineFirst: true,
					firstTicket,
					store: 'memory',
					crypto: NODE_DEVICE_CRYPTO
				});
			// A clean day (clean-day.ts): the lot delivered to every site, each dose its own ticket.
			await deliverSampleLot(server.url, simulatedSites());
			// First a smaller day of other devices, untimed: the figures are those of a server
			// that has been running, not of the JIT (and PGlite's WebAssembly) warming up.
			await day(10, 100, 1_000_001);
			const r = await day(20, 250, 1);
			if (r.receipted !== r.total) throw new Error(`only ${r.receipted}/${r.total} receipted`);
			print(`ingest_doses_per_s_${name}`, r.total / r.seconds, 'doses/s');
			// One device, a whole day recorded offline: 5,000 doses.
			const big = await day(1, 5000, 2_000_001);
			if (big.receipted !== big.total) throw new Error(`only ${big.receipted}/${big.total} receipted`);
			print(`sync_5000_offline_doses_one_device_${name}`, big.seconds, 's');
			await assertCleanDay(server);
		}
		if (register) await (await import('./register')).benchRegisterImport(server.url, name, print);
	} finally {
		await server.dispose();
		await db?.drop();
	}
}

console.log(
	`# ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`
);
await onBackend('pglite');
await onBackend('postgres');
// Against a peer sync server (Hocuspocus 3), same updates, same machine, same run.
if (wants('peer')) await benchPeer(print);
// 500 up-to-date devices reconnecting at once.
if (wants('storm')) await benchReconnectStorm(print);
// The station in Debian's Chromium: scan-to-saved with 300 and 10,000 doses stored, offline cold start.
if (wants('chromium')) await (await import('./chromium')).chromiumFigures(print, process.env.BENCH_CHROMIUM_PROFILE);
