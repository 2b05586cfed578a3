import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE } from '#shared/sync/socket';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { closeCodeOf } from '../helpers/raw-client';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';

// Each test gets a fresh server and ledger.
let server: TestServer;
beforeEach(async () => {
	server = await startTestServer();
});
afterEach(async () => {
	await server.dispose();
});

describe('device lifecycle: revoke and retire', () => {
	const action = async (id: string, what: 'revoke' | 'retire', as?: OfficeClient) =>
		(as ?? (await OfficeClient.login(server.url))).request(`/api/admin/devices/${id}/${what}`, { method: 'POST' });

	it('cuts a connected device off when it is revoked and refuses it afterwards', async () => {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url));
		d.start();
		await d.until(() => d.status.state === 'online');
		const admin = await OfficeClient.login(server.url);
		expect((await action(d.identity.deviceId, 'revoke', await admin.createUser('supervisor'))).status).toBe(403);
		const res = await action(d.identity.deviceId, 'revoke');
		expect(res.status).toBe(200);
		await d.until(() => d.status.state === 'stopped');
		expect(d.status).toMatchObject({ state: 'stopped', code: CLOSE.DEVICE_REVOKED });
		expect(await closeCodeOf(server.url, d.identity)).toBe(CLOSE.DEVICE_REVOKED);
		expect((await action(d.identity.deviceId, 'revoke')).status).toBe(409);
		expect((await action('01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f', 'revoke')).status).toBe(404);
	});

	it('lets a retired device upload everything it recorded, then it stops', async () => {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url));
		for (let i = 0; i < 3; i++) d.append(d.doseEvent());
		expect((await action(d.identity.deviceId, 'retire')).status).toBe(200);
		d.start();
		await d.until(() => d.status.state === 'stopped');
		expect(d.status).toMatchObject({ state: 'stopped', code: CLOSE.DEVICE_RETIRED });
		expect(d.count('receipted')).toBe(3);
		expect(await server.ledger.countDoseEvents()).toBe(3);
	});
});

describe('venue view', () => {
	it("shows each tablet the other tablets' doses of its site and day, live, read-only", async () => {
		const [a, b] = [
			await MemoryDevice.enrol(await issueEnrolmentCode(server.url)),
			await MemoryDevice.enrol(await issueEnrolmentCode(server.url))
		];
		const other = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V002', label: 'other site' })
		);
		a.append(a.doseEvent({}, '0000000001'));
		other.append(other.doseEvent({}, '0000000009'));
		for (const d of [a, other]) d.start();
		await a.until(() => a.count('receipted') === 1);
		await other.until(() => other.count('receipted') === 1);

		// b joins later and receives a's batch as it is now...
		b.venueDay = '2026-11-22';
		b.start();
		await b.until(() => b.venueEvents().length === 1);
		expect(b.venueEvents()[0]!.ticketNumber).toBe('0000000001');
		// ...and a's next dose as soon as it is committed.
		a.append(a.doseEvent({}, '0000000002'));
		await b.until(() => b.venueEvents().length === 2);
		// Nothing of another site, and b's own batches are untouched.
		expect(
			b
				.venueEvents()
				.map((e) => e.ticketNumber)
				.sort()
		).toEqual(['0000000001', '0000000002']);
		expect(b.docs.size).toBe(0);
		for (const d of [a, b, other]) d.stop();
	});
});
