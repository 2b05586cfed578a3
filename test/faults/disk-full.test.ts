import { afterEach, describe, expect, it } from 'vitest';
import { StationDevice } from '../helpers/station-device';
import { issueEnrolmentCode, startServerProcess, type ServerProcess } from '../helpers/server-process';
import { mountTmpfs } from '../helpers/tmpfs';
import { eventIdsIn } from '../helpers/workload';
import { doseEventIds } from './dose-ids';

const MB = 1024 * 1024;
/** PGlite's WAL segment: the next one is zero-filled in full before it is written. */
const WAL_SEGMENT = 16 * MB;
const DEVICES = 3;

interface ReadyBody {
	status: string;
	ledger: { ok: boolean; reason?: string };
	disk: { ok: boolean; freeBytes: number | null; thresholdBytes: number; reason?: string };
}

async function readyz(url: string): Promise<{ status: number; body: ReadyBody }> {
	const res = await fetch(`${url}/readyz`);
	return { status: res.status, body: (await res.json()) as ReadyBody };
}

/**
 * The ledger's filesystem fills up under a running venue (PGlite, on a tmpfs the test mounts).
 * Every case: no dose is receipted that is not stored, /readyz says why, devices stay on their
 * connection and back off, the server takes updates again by itself once space is freed, and
 * every dose ends stored exactly once.
 */
describe('a full ledger disk is seen, said and survived (PGlite)', () => {
	const cleanups: (() => Promise<unknown> | void)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	async function venue(env: Record<string, string>) {
		const fs = await mountTmpfs(160);
		cleanups.push(() => fs.unmount());
		const server: ServerProcess = await startServerProcess({ HANDSHAKE_BURST: '10000', ...env }, fs.dir);
		cleanups.push(() => server.kill());
		const devices: StationDevice[] = [];
		for (let i = 0; i < DEVICES; i++) devices.push(await StationDevice.enrol(await issueEnrolmentCode(server.url)));
		cleanups.push(() => devices.forEach((d) => d.close()));
		for (const d of devices) d.start({ receiptTimeoutMs: 60_000 });
		let ticket = 0;
		const record = (perDevice: number) => {
			for (const d of devices)
				// Not awaited: a venue records on; a failed append rejects unhandled and fails the run.
				for (let i = 0; i < perDevice; i++) void d.append(d.doseEvent({}, String(++ticket).padStart(10, '0')));
		};
		const receipted = () => eventIdsIn(devices, 'receipted');
		const allReceipted = () => Promise.all(devices.map((d) => d.until(() => d.count('receipted') === d.events.size)));
		return { fs, server, devices, record, receipted, allReceipted };
	}

	/** After the fault: the doses receipted before it are stored, each dose exactly once, none refused. */
	async function everyDoseStoredOnce(v: Awaited<ReturnType<typeof venue>>, receiptedDuringFault: string[]) {
		await v.allReceipted();
		expect(eventIdsIn(v.devices, 'refused')).toEqual([]);
		await v.server.stop();
		const ids = await doseEventIds({ dataDir: v.server.dataDir });
		const recorded = v.devices.flatMap((d) => [...d.events.keys()]);
		expect(ids.length).toBe(recorded.length);
		expect(new Set(ids)).toEqual(new Set(recorded));
		for (const id of receiptedDuringFault) expect(ids).toContain(id);
	}

	it('below the threshold, with less than one WAL segment free: LEDGER_FULL before the database is asked', async () => {
		const v = await venue({ DISK_FREE_MIN_MB: '24' });
		v.record(5);
		await v.allReceipted();
		expect((await readyz(v.server.url)).status).toBe(200);

		await v.fs.fillLeaving(8 * MB);
		expect(await v.fs.freeBytes()).toBeLessThan(WAL_SEGMENT);
		// Said within seconds, with the numbers the operator needs.
		await expect
			.poll(async () => (await readyz(v.server.url)).body.disk.ok, { timeout: 10_000, interval: 200 })
			.toBe(false);
		const said = await readyz(v.server.url);
		expect(said.status).toBe(503);
		expect(said.body).toMatchObject({
			status: 'not_ready',
			ledger: { ok: true },
			disk: { ok: false, thresholdBytes: 24 * MB }
		});
		expect(said.body.disk.reason).toMatch(/below/);
		expect((await fetch(`${v.server.url}/healthz`)).status).toBe(200);

		const before = new Set(v.receipted());
		v.record(5);
		// Each device is refused, waits, offers again and is refused again: on its one connection.
		await Promise.all(v.devices.map((d) => d.until(() => d.stalls.filter((s) => s === 'LEDGER_FULL').length >= 3)));
		expect(v.devices.map((d) => d.connections)).toEqual(v.devices.map(() => 1));
		expect(v.devices.map((d) => d.status.state)).toEqual(v.devices.map(() => 'stalled'));
		// Nothing recorded after the disk filled was receipted.
		expect(v.receipted().filter((id) => !before.has(id))).toEqual([]);

		await v.fs.freeUp();
		await expect.poll(async () => (await readyz(v.server.url)).status, { timeout: 10_000, interval: 200 }).toBe(200);
		await v.allReceipted();
		expect(v.devices.map((d) => d.status.state)).toEqual(v.devices.map(() => 'online'));
		expect(v.devices.map((d) => d.connections)).toEqual(v.devices.map(() => 1));
		await everyDoseStoredOnce(v, [...before]);
	});

	it('with the guard off and about 1 MB free: commits fail on ENOSPC, answered as retryable on the open connection', async () => {
		const v = await venue({ DISK_FREE_MIN_MB: '0' });
		v.record(2);
		await v.allReceipted();
		await v.fs.fillLeaving(1 * MB);

		// Record until the disk refuses (table and index files grow by 8 KB pages into the last MB).
		const sawNotReady: ReadyBody[] = [];
		for (let round = 0; round < 200 && v.devices.every((d) => !d.stalls.includes('LEDGER_FULL')); round++) {
			v.record(4);
			await Promise.race([v.allReceipted(), ...v.devices.map((d) => d.until(() => d.stalls.includes('LEDGER_FULL')))]);
		}
		expect(v.devices.some((d) => d.stalls.includes('LEDGER_FULL'))).toBe(true);
		const receiptedWhileFull = v.receipted();
		await expect
			.poll(
				async () => {
					const r = await readyz(v.server.url);
					if (r.status === 503) sawNotReady.push(r.body);
					return r.status;
				},
				{ timeout: 15_000, interval: 100 }
			)
			.toBe(503);
		expect(sawNotReady[0]!.disk.reason).toMatch(/full disk/);
		expect(v.devices.map((d) => d.connections)).toEqual(v.devices.map(() => 1));

		await v.fs.freeUp();
		await v.allReceipted();
		expect(v.devices.map((d) => d.connections)).toEqual(v.devices.map(() => 1));
		await everyDoseStoredOnce(v, receiptedWhileFull);
	});
});
