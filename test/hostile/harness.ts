import fc from 'fast-check';
import { expect } from 'vitest';
import type { ServerOptions } from '../../sync-server/server';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';

/**
 * What hostile input must never change: the ledger's stored updates and event rows. (Refused
 * updates are logged for the back office by design; their content is checked where it matters.)
 */
export interface Counts {
	updates: number;
	events: number;
}

export interface Hostile {
	server: TestServer;
	url: string;
	counts(): Promise<Counts>;
	/** A freshly enrolled device of the site. */
	device(siteCode?: string): Promise<MemoryDevice>;
	/** The test administrator's back-office session. */
	admin(): Promise<OfficeClient>;
	/** A new, well-behaved device records a dose and gets it receipted: the server still serves. */
	expectServing(): Promise<void>;
	dispose(): Promise<void>;
}

export async function startHostileServer(
	env: Record<string, string> = {},
	options: ServerOptions = {}
): Promise<Hostile> {
	const server = await startTestServer(env, options);
	const devices: MemoryDevice[] = [];
	// One back-office session for the whole file: logins are rate limited per address.
	let admin: Promise<OfficeClient> | null = null;
	const count = async (table: string) =>
		(await server.ledger.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
	const device = async (siteCode = 'V001') => {
		admin ??= OfficeClient.login(server.url);
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode, label: `hostile ${siteCode}` }, await admin)
		);
		devices.push(d);
		return d;
	};
	return {
		server,
		url: server.url,
		counts: async () => ({ updates: await count('sync_updates'), events: await count('dose_events') }),
		device,
		admin: () => (admin ??= OfficeClient.login(server.url)),
		expectServing: async () => {
			const d = await device();
			const ev = d.doseEvent();
			d.append(ev);
			d.start();
			await d.until(() => d.count('receipted') === 1 || d.status.state === 'stopped');
			d.stop();
			expect(d.events.get(ev.id)!.state).toBe('receipted');
		},
		dispose: async () => {
			for (const d of devices) d.stop();
			await server.dispose();
		}
	};
}

/**
 * Fuzzing with a fixed seed, so a failure is reproducible: the seed is printed with it, and
 * FUZZ_SEED=<seed> runs another sequence.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261122);

export async function fuzz<T>(
	arbitrary: fc.Arbitrary<T>,
	numRuns: number,
	check: (value: T) => Promise<void>
): Promise<void> {
	try {
		await fc.assert(fc.asyncProperty(arbitrary, check), { seed: FUZZ_SEED, numRuns, endOnFailure: true });
	} catch (e) {
		throw new Error(`fuzz failed with seed ${FUZZ_SEED} (rerun with FUZZ_SEED=${FUZZ_SEED}):\n${(e as Error).message}`);
	}
}
