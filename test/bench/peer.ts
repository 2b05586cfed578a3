import { availableParallelism } from 'node:os';
import { startTestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { createTestDatabase } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';
import { runHocuspocus } from './hocuspocus-peer';
import { runOurs, type PeerRun } from './ours-per-dose';
import { buildWorkload } from './peer-workload';
import { siteCodes } from '../tools/simulate';
import { assertCleanDay, deliverSampleLot } from './clean-day';
import { ed25519VerifiesPerSecond } from './verify-floor';
import { runYWebsocketServer } from './y-websocket-peer';

type Print = (name: string, value: number, unit: string) => void;

const DEVICES = 20;
const DOSES = 250;
const WARM_UP_DEVICES = 10;
const WARM_UP_DOSES = 100;

/**
 * What a timed run cost in CPU per dose, in this process (the server, its threads, the
 * in-process clients) and in PostgreSQL, and the most doses a second that cost allows with every
 * core of the machine busy (server and database share them here): a server whose ceiling is
 * below a peer's measured figure cannot pass the peer by packing its work better, only by doing
 * less of it.
 */
function printCpu(print: Print, prefix: string, run: PeerRun, doses: number): void {
	const nodeUs = (run.cpu.node * 1000) / doses;
	print(`${prefix}_cpu_us_per_dose_node`, nodeUs, 'us');
	if (run.cpu.postgres === null) return; // no /proc: the database's share is unknown, and so the ceiling
	const postgresUs = (run.cpu.postgres * 1000) / doses;
	print(`${prefix}_cpu_us_per_dose_postgres`, postgresUs, 'us');
	print(
		`${prefix}_ceiling_doses_per_s_all_cores_busy`,
		(availableParallelism() * 1e6) / (nodeUs + postgresUs),
		'doses/s'
	);
}

/**
 * Against a peer, in the same run on the same machine: 20 devices × 250 doses, one document per
 * batch, one update per dose, both servers persisting to PostgreSQL, clock stopped when the
 * server has persisted everything (ours: the last receipt, sent after its commit; theirs: the
 * last store of each document holding all its doses). Ours does more per update: it opens a
 * sealed frame, verifies the device's signature, checks the update, stores it raw with its
 * signature and projects each dose to rows, committing the updates of all connections
 * together (group commit).
 */
export async function benchPeer(print: Print): Promise<void> {
	const ourDb = await createTestDatabase();
	const theirDb = await createTestDatabase();
	const server = await startTestServer({ DATABASE_URL: ourDb.url, LOG_LEVEL: 'warn', HANDSHAKE_BURST: '100000' });
	try {
		const admin = await OfficeClient.login(server.url);
		const enrol = async (prefix: string, count: number) => {
			const devices: MemoryDevice[] = [];
			for (const [i, siteCode] of siteCodes(prefix, count).entries())
				devices.push(
					await MemoryDevice.enrol(
						await issueEnrolmentCode(server.url, { setting: 'mass', siteCode, label: `peer ${prefix}${i}` }, admin)
					)
				);
			return devices;
		};
		// A clean day (clean-day.ts): the lot delivered to every site, each dose its own ticket.
		await deliverSampleLot(server.url, [...siteCodes('P', DEVICES), ...siteCodes('W', WARM_UP_DEVICES)]);
		const workload = buildWorkload(await enrol('P', DEVICES), DOSES, 1);
		const total = DEVICES * DOSES;
		// Each server first runs a smaller workload of other documents, untimed: the figure is
		// a server that has been running, not the JIT compiling its code (whichever ran first
		// paid for compiling what the others share: ws, yjs, pg).
		const warmUp = buildWorkload(await enrol('W', WARM_UP_DEVICES), WARM_UP_DOSES, 1_000_001);
		const warmUpNames = (suffix: string) => warmUp.map((b) => ({ ...b, doc: `${b.doc}${suffix}` }));

		await runOurs(server.url, warmUp);
		const ourRun = await runOurs(server.url, workload);
		const ours = total / ourRun.seconds;
		print('peer_ours_per_dose_updates_doses_per_s_postgres', ours, 'doses/s');
		printCpu(print, 'peer_ours', ourRun, total);
		await assertCleanDay(server);
		await runHocuspocus(theirDb.url, warmUpNames('-warm'));
		const theirs = total / (await runHocuspocus(theirDb.url, workload)).everyChangeStored;
		print('peer_hocuspocus3_doses_per_s_postgres', theirs, 'doses/s');
		print('peer_ratio_ours_over_hocuspocus3', ours / theirs, 'x');
		// Hocuspocus stores 2 s after the last change by default; storing on every change is
		// the durability our receipts promise. Timed, like ours and y-websocket's, until every
		// change is stored; the moment its database first held every dose (the figure of this
		// line until the eighth round of issue 14) is printed after it, for the comparison.
		await runHocuspocus(theirDb.url, warmUpNames('-warm-every'), 0);
		const every = await runHocuspocus(theirDb.url, workload, 0);
		const everyChange = total / every.everyChangeStored;
		print('peer_hocuspocus3_store_every_change_doses_per_s_postgres', everyChange, 'doses/s');
		print('peer_ratio_ours_over_hocuspocus3_store_every_change', ours / everyChange, 'x');
		const holdsAll = total / every.holdsEveryDose;
		print('peer_hocuspocus3_store_every_change_until_it_holds_every_dose_doses_per_s_postgres', holdsAll, 'doses/s');
		print('peer_ratio_ours_over_hocuspocus3_store_every_change_until_it_holds_every_dose', ours / holdsAll, 'x');
		// y-websocket's own server appending each update to PostgreSQL as it is applied.
		await runYWebsocketServer(theirDb.url, warmUpNames('-warm'));
		const ywsRun = await runYWebsocketServer(theirDb.url, workload);
		const yws = total / ywsRun.seconds;
		print('peer_y_websocket_server_doses_per_s_postgres', yws, 'doses/s');
		print('peer_ratio_ours_over_y_websocket_server', ours / yws, 'x');
		printCpu(print, 'peer_y_websocket_server', ywsRun, total);
		// One cost of ours the peers do not have (verify-floor.ts): one signature check per dose, on one core.
		print('peer_floor_ed25519_verifies_per_s_one_core', ed25519VerifiesPerSecond(workload), 'verifies/s');
	} finally {
		await server.dispose();
		await ourDb.drop();
		await theirDb.drop();
	}
}
