import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteRows } from '../helpers/ledger-rows';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { simulate, type SimulationResult } from '../tools/simulate';
import { rssBytes, sampleRss } from './rss-sampler';
import { percentile } from './stats';

const DEVICES = 300;
const DOSES = 50;

/**
 * Ceiling for the server's resident memory during the run. Restarted on an initialised ledger,
 * the idle server (Node, the tsx loader, PGlite's WASM Postgres and its buffers) sits near
 * 400 MiB, and this run took it to about 510 MiB. The whole run's payload is only about 10 MB,
 * so the ceiling cannot catch a small leak; it catches the failures that matter at a venue's
 * scale: buffering without bound (frames queued for slow peers, a document copied per update
 * and kept, a cache without eviction), which at 300 connections and 15,000 updates cross it.
 */
const RSS_CEILING = 768 * 1024 * 1024;

const mib = (b: number) => (b / 2 ** 20).toFixed(0);

describe(`${DEVICES} devices × ${DOSES} doses recorded offline, connecting at once, against a server process`, () => {
	let server: ServerProcess;
	let dataDirCleanup: () => Promise<void> = async () => undefined;
	beforeAll(async () => {
		const env = {
			// Every simulated device connects from 127.0.0.1, so the per-address handshake limit
			// (60 at once by default, meant for one venue's NAT) would hold 240 of them back
			// in backoff: the run would measure the backoff, not the server.
			HANDSHAKE_BURST: String(DEVICES * 2),
			HANDSHAKES_PER_SECOND: String(DEVICES)
		};
		// The first start runs PGlite's initdb in the process, whose memory is never given back
		// (about 1 GiB peak); a deployed server restarts on an initialised ledger. So the run
		// starts from a restart, and the figures are those of serving.
		const first = await startServerProcess(env);
		await first.stop();
		server = await startServerProcess(env, first.dataDir);
		dataDirCleanup = first.cleanup;
	});
	afterAll(async () => {
		await server?.cleanup();
		await dataDirCleanup();
	});

	it('receipts every dose, stores each exactly once, and the server memory stays bounded', async () => {
		let rss = { peak: 0, samples: 0 };
		const pid = server.child.pid!;
		const idle = rssBytes(pid)!;
		const sampler = sampleRss(pid);
		// A stall ends the run with what was receipted, so it fails on the counts, not a timeout.
		const result: SimulationResult = await simulate({
			url: server.url,
			devices: DEVICES,
			doses: DOSES,
			offlineFirst: true,
			// The server is what this run measures. 300 stores sealing every row with WebCrypto over
			// fake-indexeddb in this one process would make the devices the bottleneck; the
			// device-store contract (test/contract/device-store-*.test.ts) proves MemoryDevice's
			// store behaves as the PWA's BatchStore does for everything the sync engine relies on.
			store: 'memory',
			timeoutMs: 300_000
		}).finally(() => (rss = sampler.stop()));
		await server.stop();

		console.log(
			[
				`load ${DEVICES}×${DOSES}: receipted ${result.receipted}/${result.total} in ${result.seconds.toFixed(1)} s`,
				`time to receipt per dose p50 ${percentile(result.perDoseMs, 50).toFixed(0)} ms, p99 ${percentile(result.perDoseMs, 99).toFixed(0)} ms`,
				`time to last receipt per device p50 ${percentile(result.perDeviceMs, 50).toFixed(0)} ms, p99 ${percentile(result.perDeviceMs, 99).toFixed(0)} ms`,
				`server RSS idle ${mib(idle)} MiB, peak ${mib(rss.peak)} MiB (${rss.samples} samples, ceiling ${mib(RSS_CEILING)} MiB)`
			].join('\n')
		);
		expect(result.receipted).toBe(DEVICES * DOSES);
		expect(result.perDoseMs).toHaveLength(DEVICES * DOSES);
		expect(rss.peak).toBeLessThan(RSS_CEILING);

		// What is really on disk, read after the server stopped: one row per recorded dose.
		const rows = await pgliteRows<{ event_id: string; n: number }>(
			server.dataDir,
			'SELECT event_id, count(*)::int AS n FROM dose_events GROUP BY event_id'
		);
		expect(rows).toHaveLength(DEVICES * DOSES);
		expect(rows.filter((r) => r.n !== 1)).toEqual([]);
		expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(result.eventIds));
	});
});
