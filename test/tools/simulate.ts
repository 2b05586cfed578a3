/**
 * `npm run simulate -- --url <server> --user U --devices N --doses M [--offline-first] [--store memory] [--first-ticket T]`
 *
 * Enrols N simulated devices through the real API and protocol (the PWA's shared/ sync engine
 * over the store the PWA ships, BatchStore on fake-indexeddb; `--store memory` for MemoryDevice's
 * maps), records M doses on each, syncs, and prints as its last line `receipted X/Y doses in S s`.
 * --user is a back-office admin; the password comes from ADMIN_PASSWORD.
 */
import { parseArgs } from 'node:util';
import type { DeviceCrypto } from '#shared/sync/device-channel';
import { MemoryDevice } from '../helpers/memory-device';
import type { SimulatedDevice } from '../helpers/simulated-device';
import { StationDevice } from '../helpers/station-device';
import { OfficeClient, TEST_ADMIN } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';

export interface SimulationResult {
	receipted: number;
	total: number;
	seconds: number;
	/** Milliseconds from a device's first connection attempt to its last receipt, per device. */
	perDeviceMs: number[];
	/**
	 * Milliseconds from the moment each receipted dose could be sent (its device's start for
	 * doses recorded offline, its recording for live ones) to its receipt.
	 */
	perDoseMs: number[];
	/** Ids of every dose recorded, to compare with the ledger. */
	eventIds: string[];
}

/** The highest 券番号 (ten digits). */
const MAX_TICKET = 9_999_999_999;

/** `count` venue codes for simulated devices: `prefix000`, `prefix001`, … */
export const siteCodes = (prefix: string, count: number): string[] =>
	Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

/**
 * The 券番号 of a simulated day's dose: each dose a ticket of its own, device i's `doses` tickets
 * from firstTicket + i × doses on (the simulator's and the peer bench's days alike).
 */
export const dayTicket = (firstTicket: number, doses: number, device: number, dose: number): string =>
	String(firstTicket + device * doses + dose).padStart(10, '0');

/** Every site code a simulated device may be enrolled at: 50 venues, SIM000 to SIM049. */
export const simulatedSites = (): string[] => siteCodes('SIM', 50);

function issueCode(admin: OfficeClient, sites: readonly string[], i: number): Promise<string> {
	const siteCode = sites[i % sites.length]!;
	return issueEnrolmentCode(admin.url, { setting: 'mass', siteCode, label: `simulated ${i}` }, admin);
}

export async function simulate(opts: {
	url: string;
	admin?: { username: string; password: string };
	devices: number;
	doses: number;
	offlineFirst: boolean;
	/**
	 * The devices' store: the PWA's BatchStore (default), or MemoryDevice's maps, which the
	 * device-store contract (test/contract/device-store-*.test.ts) proves behave the same.
	 */
	store?: 'station' | 'memory';
	/**
	 * The devices' signatures and key agreement: tweetnacl's, as on the station, unless given.
	 * The benches pass node:crypto's (same bytes): devices simulated in the server's own process
	 * would otherwise spend its CPU on JavaScript Ed25519 and be what the figure measures.
	 */
	crypto?: DeviceCrypto;
	/**
	 * Each dose has a ticket of its own, as at a venue where each resident comes once: device i
	 * records tickets firstTicket + i × doses onwards (default 1). Runs against one server
	 * that should not see each other's tickets as duplicates start far enough apart.
	 */
	firstTicket?: number;
	timeoutMs?: number;
}): Promise<SimulationResult> {
	// Before anything is enrolled: a range that does not fit changes nothing on the server.
	const firstTicket = opts.firstTicket ?? 1;
	const lastTicket = firstTicket + opts.devices * opts.doses - 1;
	if (firstTicket < 1 || lastTicket > MAX_TICKET)
		throw new RangeError(`tickets ${firstTicket} to ${lastTicket} do not fit 10 digits`);
	const devices: SimulatedDevice[] = [];
	const admin = await OfficeClient.login(opts.url, opts.admin ?? TEST_ADMIN);
	const enrol = opts.store === 'memory' ? MemoryDevice.enrol : StationDevice.enrol;
	const sites = simulatedSites();
	for (let i = 0; i < opts.devices; i++) devices.push(await enrol(await issueCode(admin, sites, i)));
	const perDeviceMs: number[] = [];
	const perDoseMs: number[] = [];
	const record = (d: SimulatedDevice, i: number) => {
		for (let j = 0; j < opts.doses; j++) d.append(d.doseEvent({}, dayTicket(firstTicket, opts.doses, i, j)));
	};
	// Recorded offline before the clock starts: what is timed is the sync, not the recording.
	if (opts.offlineFirst) devices.forEach(record);
	const start = performance.now();
	const done = devices.map(async (d, i) => {
		const t0 = performance.now();
		d.start(opts.crypto ? { crypto: opts.crypto } : {});
		let ready = t0;
		if (!opts.offlineFirst) {
			await d.until(() => d.status.state === 'online');
			ready = performance.now();
			record(d, i);
		}
		// The predicate runs after every store change, so it sees each receipt as it lands.
		let seen = 0;
		await d.until(() => {
			const receipted = d.count('receipted');
			for (; seen < receipted; seen++) perDoseMs.push(performance.now() - ready);
			return receipted + d.count('refused') === opts.doses;
		});
		perDeviceMs.push(performance.now() - t0);
	});
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.timeoutMs ?? 600_000)));
	await Promise.race([Promise.all(done), timeout]);
	clearTimeout(timer);
	const seconds = (performance.now() - start) / 1000;
	for (const d of devices) d.close();
	return {
		receipted: devices.reduce((n, d) => n + d.count('receipted'), 0),
		total: opts.devices * opts.doses,
		seconds,
		perDeviceMs,
		perDoseMs,
		eventIds: devices.flatMap((d) => [...d.events.keys()])
	};
}

const USAGE =
	'usage: ADMIN_PASSWORD=… npm run simulate -- --url <server> --user <admin> --devices N --doses M [--offline-first] [--store station|memory] [--first-ticket T]\n' +
	'  N, M and T are positive whole numbers; the doses get tickets T, T+1, … (a second run on the same server starts past the first)';

function usageError(): never {
	console.error(USAGE);
	process.exit(2);
}

function readArgs() {
	try {
		return parseArgs({
			options: {
				url: { type: 'string' },
				devices: { type: 'string', default: '10' },
				doses: { type: 'string', default: '50' },
				'offline-first': { type: 'boolean', default: false },
				store: { type: 'string', default: 'station' },
				'first-ticket': { type: 'string', default: '1' },
				user: { type: 'string' }
			}
		}).values;
	} catch {
		// An unknown option, or a value that looks like one (`--first-ticket -3`).
		return usageError();
	}
}

async function main() {
	const values = readArgs();
	const password = process.env.ADMIN_PASSWORD;
	const store = values.store;
	const devices = Number(values.devices);
	const doses = Number(values.doses);
	const firstTicket = Number(values['first-ticket']);
	const counts = [devices, doses, firstTicket].every((n) => Number.isSafeInteger(n) && n > 0);
	if (!values.url || !values.user || !password || (store !== 'station' && store !== 'memory') || !counts) usageError();
	const r = await simulate({
		url: values.url,
		admin: { username: values.user, password },
		devices,
		doses,
		firstTicket,
		offlineFirst: values['offline-first'],
		store
	});
	console.log(`receipted ${r.receipted}/${r.total} doses in ${r.seconds.toFixed(1)} s`);
	process.exit(r.receipted === r.total ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
