import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { NODE_DEVICE_CRYPTO } from '../helpers/node-device-crypto';
import { BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

/**
 * A dose recorded while online travels as one signed Update and comes back as one receipt;
 * SyncStep1/SyncStep2 belong to (re)connecting. Frames are counted on the device's socket.
 */
describe.each(BACKENDS)('live doses into the %s ledger', (backend) => {
	let server: TestServer;
	const devices: MemoryDevice[] = [];

	beforeEach(async () => {
		server = await startBackendServer(backend);
	});
	afterEach(async () => {
		for (const d of devices.splice(0)) d.stop();
		await server.dispose();
	});

	async function online(): Promise<MemoryDevice> {
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'V001' })
		);
		devices.push(d);
		// The unreceipted count is reported at the welcome only: a later report (a frame of its
		// own, at most once a second) would land in the counts below on a slow machine.
		d.start({ reportIntervalMs: 3_600_000 });
		// The welcome, lots and catalogue have arrived and been handled; HELLO, AUTH and the
		// welcome's unreceipted report have gone.
		await d.until(() => d.status.state === 'online' && d.catalogOffers > 0 && d.lots !== null && d.frames.sent >= 3);
		return d;
	}

	it('sends one frame and receives one receipt per dose, from the first dose of the day on', async () => {
		const d = await online();
		for (let i = 1; i <= 3; i++) {
			const before = { ...d.frames };
			d.append(d.doseEvent());
			await d.until(() => d.count('receipted') === i);
			expect({ sent: d.frames.sent - before.sent, received: d.frames.received - before.received }).toEqual({
				sent: 1,
				received: 1
			});
		}
		const { rows } = await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dose_events');
		expect(rows[0]!.n).toBe(3);
	});

	it('after a reconnection offers the batch once by SyncStep1, then goes back to one frame per dose', async () => {
		const d = await online();
		d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 1);
		d.stop();
		// Recorded offline: the reconnection's SyncStep1 exchange carries it.
		d.append(d.doseEvent());
		d.start({ reportIntervalMs: 3_600_000 });
		await d.until(() => d.count('receipted') === 2);
		const before = { ...d.frames };
		d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 3);
		expect({ sent: d.frames.sent - before.sent, received: d.frames.received - before.received }).toEqual({
			sent: 1,
			received: 1
		});
	});

	it('keeps every dose of a fast burst, each in order on one connection', async () => {
		const d = await online();
		for (let i = 0; i < 40; i++) d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 40);
		const { rows } = await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dose_events');
		expect(rows[0]!.n).toBe(40);
		expect(d.errors).toEqual([]);
	});

	it('takes a device whose handshake runs on node:crypto (as the storm bench simulates) exactly like a tweetnacl one', async () => {
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'V001' })
		);
		devices.push(d);
		d.start({ crypto: NODE_DEVICE_CRYPTO });
		await d.until(() => d.status.state === 'online');
		d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 1);
		expect(d.errors).toEqual([]);
	});
});
