import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StationDevice } from '../helpers/station-device';
import { issueEnrolmentCode, startServerProcess } from '../helpers/server-process';
import { eventIdsIn } from '../helpers/workload';
import { doseEventIds } from './dose-ids';

const DEVICES = 3;

/**
 * The embedded ledger stuck inside WebAssembly (as PGlite is when it cannot zero-fill a WAL
 * segment): LEDGER_TEST_HOOKS=true lets SIGUSR2 make the ledger's thread spin for good. The
 * process must stay alive and say so, detect it within LEDGER_TIMEOUT_SECONDS, end and reopen
 * the ledger's thread by itself, and lose nothing.
 */
describe('a stuck ledger is detected, reported and recovered without restarting the process (PGlite)', () => {
	const cleanups: (() => Promise<unknown> | void)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	it('liveness answers, readiness says the ledger is stuck, devices back off on their connection, and every dose is stored once', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'vacc-stuck-'));
		cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
		const server = await startServerProcess(
			{ HANDSHAKE_BURST: '10000', LEDGER_TEST_HOOKS: 'true', LEDGER_TIMEOUT_SECONDS: '5' },
			dataDir
		);
		cleanups.push(() => server.kill());
		const devices: StationDevice[] = [];
		for (let i = 0; i < DEVICES; i++) devices.push(await StationDevice.enrol(await issueEnrolmentCode(server.url)));
		cleanups.push(() => devices.forEach((d) => d.close()));
		for (const d of devices) d.start({ receiptTimeoutMs: 60_000 });
		let ticket = 0;
		const record = (n: number) =>
			devices.forEach((d) =>
				Array.from({ length: n }, () => d.append(d.doseEvent({}, String(++ticket).padStart(10, '0'))))
			);
		const allReceipted = () => Promise.all(devices.map((d) => d.until(() => d.count('receipted') === d.events.size)));
		record(3);
		await allReceipted();
		const receiptedBefore = eventIdsIn(devices, 'receipted');
		const pid = server.child.pid;

		server.child.kill('SIGUSR2');
		record(3);
		// Each device's update waits past the bound, then is answered LEDGER_UNAVAILABLE.
		await Promise.all(devices.map((d) => d.until(() => d.stalls.includes('LEDGER_UNAVAILABLE'))));
		const seen: { status: number; body: { status: string; ledger: { ok: boolean; reason?: string } } }[] = [];
		await expect
			.poll(
				async () => {
					const res = await fetch(`${server.url}/readyz`);
					const r = { status: res.status, body: (await res.json()) as (typeof seen)[number]['body'] };
					seen.push(r);
					// Liveness: the process answers whatever the ledger does.
					expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
					return r.status;
				},
				{ timeout: 15_000, interval: 100 }
			)
			.toBe(503);
		expect(seen.at(-1)!.body.ledger.ok).toBe(false);
		expect(seen.at(-1)!.body.ledger.reason).toMatch(/longer than 5000 ms|did not answer|reopen|does not open/);

		// Reopened by the supervisor: ready again, and the devices' doses all arrive.
		await expect
			.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 60_000, interval: 200 })
			.toBe(200);
		await allReceipted();
		expect(server.child.pid).toBe(pid);
		expect(server.child.exitCode).toBeNull();
		expect(devices.map((d) => d.connections)).toEqual(devices.map(() => 1));
		expect(eventIdsIn(devices, 'refused')).toEqual([]);

		await server.stop();
		const ids = await doseEventIds({ dataDir });
		const recorded = devices.flatMap((d) => [...d.events.keys()]);
		expect(ids.length).toBe(recorded.length);
		expect(new Set(ids)).toEqual(new Set(recorded));
		for (const id of receiptedBefore) expect(ids).toContain(id);
	});

	it('SIGTERM ends a server whose ledger is stuck, and the ledger opens again afterwards', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'vacc-stuck-'));
		cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
		const env = { LEDGER_TEST_HOOKS: 'true', LEDGER_TIMEOUT_SECONDS: '5' };
		const server = await startServerProcess(env, dataDir);
		cleanups.push(() => server.kill());
		server.child.kill('SIGUSR2');
		// Used to be ignored: the main thread spun inside PGlite. Now the main thread is free.
		await server.stop();
		expect(server.child.signalCode ?? server.child.exitCode).toBe(0);
		const again = await startServerProcess(env, dataDir);
		cleanups.push(() => again.kill());
		expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
		// And it writes: a device enrols and its dose is receipted.
		const device = await StationDevice.enrol(await issueEnrolmentCode(again.url));
		device.start();
		cleanups.push(() => device.close());
		await device.append(device.doseEvent());
		await device.until(() => device.count('receipted') === 1);
	});
});
