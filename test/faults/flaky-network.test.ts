import { afterEach, describe, expect, it } from 'vitest';
import { StationDevice } from '../helpers/station-device';
import { faultSeed, seededRandom } from '../helpers/seeded-random';
import { issueEnrolmentCode, startServerProcess } from '../helpers/server-process';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { eventIdsIn, recordWhileSyncing } from '../helpers/workload';
import { doseEventIds } from './dose-ids';

const DEVICES = 6;
const DOSES = 30;

describe('a network that cuts connections mid-frame and delays traffic', () => {
	const cleanups: (() => Promise<unknown> | void)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	const seed = faultSeed();
	it(`every dose ends receipted, and in the ledger exactly once (seed ${seed})`, async () => {
		const random = seededRandom(seed);
		const server = await startServerProcess({ HANDSHAKE_BURST: '10000' });
		cleanups.push(() => server.cleanup());
		// Enrolment goes through the proxy too (the code names the address it was issued on),
		// before the chaos starts: enrolling is not what this test is about.
		const proxy = await startTcpProxy(Number(new URL(server.url).port));
		cleanups.push(() => proxy.close());
		const devices: StationDevice[] = [];
		for (let i = 0; i < DEVICES; i++) devices.push(await StationDevice.enrol(await issueEnrolmentCode(proxy.url)));
		cleanups.push(() => devices.forEach((d) => d.close()));
		// Every 15th chunk is cut part-way (a WebSocket frame arrives half-written, then the
		// connection is gone); every chunk waits up to 20 ms.
		proxy.setChaos({ random, maxDelayMs: 20, cutEvery: 15 });
		for (const d of devices) d.start();
		await recordWhileSyncing(devices, DOSES, random);
		proxy.setChaos(null);

		// Runs so far forwarded 260 to 470 chunks (TCP and the device coalesce frames).
		expect(proxy.stats.cuts).toBeGreaterThan(5);
		expect(eventIdsIn(devices, 'receipted').length).toBe(DEVICES * DOSES);
		expect(eventIdsIn(devices, 'refused')).toEqual([]);
		await server.stop();
		const ids = await doseEventIds({ dataDir: server.dataDir });
		const recorded = devices.flatMap((d) => [...d.events.keys()]);
		expect(ids.length).toBe(recorded.length);
		expect(new Set(ids)).toEqual(new Set(recorded));
		console.log(
			`flaky-network seed ${seed}: ${proxy.stats.connections} connections, ${proxy.stats.chunks} chunks, ${proxy.stats.cuts} cut mid-chunk`
		);
	});
});
