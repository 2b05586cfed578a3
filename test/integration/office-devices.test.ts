import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_UNRECEIPTED, MSG_UNRECEIPTED } from '#shared/protocol/messages';
import { CLOSE } from '#shared/sync/socket';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { connectRaw } from '../helpers/raw-client';
import { issueEnrolmentCode } from '../helpers/server-process';

interface DeviceRow {
	id: string;
	label: string;
	siteCode: string;
	status: string;
	lastSeenAt: string | null;
	unreceipted: number | null;
	unreceiptedReportedAt: string | null;
}

/**
 * A database that refuses every new raw update, as a full disk would: the device's events stay
 * unreceipted however often it reconnects, so what it reports holds still long enough to read.
 */
const REFUSE_UPDATES = `
	CREATE FUNCTION test_refuse_updates() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: disk full'; END $$;
	CREATE TRIGGER test_refuse_updates BEFORE INSERT ON sync_updates FOR EACH ROW EXECUTE FUNCTION test_refuse_updates();`;
const ACCEPT_UPDATES = `DROP TRIGGER test_refuse_updates ON sync_updates; DROP FUNCTION test_refuse_updates();`;

describe.each(BACKENDS)('devices as the back office sees them (%s)', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	beforeEach(async () => {
		server = await startBackendServer(backend);
		admin = await OfficeClient.login(server.url);
	});
	afterEach(async () => {
		await server.dispose();
	});

	const listed = async (id: string) =>
		(await admin.json<{ devices: DeviceRow[] }>('GET', '/api/admin/devices')).devices.find((d) => d.id === id)!;
	/** Polls the API (no fixed sleeps) until the device's row satisfies the predicate. */
	const untilListed = async (id: string, predicate: (d: DeviceRow) => boolean): Promise<DeviceRow> => {
		for (;;) {
			const row = await listed(id);
			if (predicate(row)) return row;
			await new Promise((r) => setTimeout(r, 50));
		}
	};

	it('shows how many events a device last reported holding unreceipted, with the time of the report', async () => {
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V007', label: '会場7 受付B' }, admin)
		);
		const before = await listed(d.identity.deviceId);
		expect(before).toMatchObject({
			label: '会場7 受付B',
			siteCode: 'V007',
			status: 'active',
			lastSeenAt: null,
			unreceipted: null,
			unreceiptedReportedAt: null
		});

		for (let i = 0; i < 3; i++) d.append(d.doseEvent());
		await server.ledger.db.exec(REFUSE_UPDATES);
		d.start();
		const held = await untilListed(d.identity.deviceId, (r) => r.unreceipted !== null);
		expect(held.unreceipted).toBe(3);
		expect(held.unreceiptedReportedAt).not.toBeNull();
		expect(held.lastSeenAt).not.toBeNull();
		expect(d.count('receipted')).toBe(0);

		// Storage works again; the device reconnects, everything is receipted, and it says so.
		await server.ledger.db.exec(ACCEPT_UPDATES);
		d.stop();
		d.start();
		await d.until(() => d.count('receipted') === 3);
		const settled = await untilListed(d.identity.deviceId, (r) => r.unreceipted === 0);
		expect(Date.parse(settled.unreceiptedReportedAt!)).toBeGreaterThanOrEqual(Date.parse(held.unreceiptedReportedAt!));
		d.stop();
	});

	it('has a retired device say, as its last word, that it holds nothing unreceipted', async () => {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
		for (let i = 0; i < 3; i++) d.append(d.doseEvent());
		await admin.json('POST', `/api/admin/devices/${d.identity.deviceId}/retire`);
		d.start();
		await d.until(() => d.status.state === 'stopped');
		expect(d.count('receipted')).toBe(3);
		const row = await untilListed(d.identity.deviceId, (r) => r.unreceipted === 0);
		expect(row.status).toBe('retired');
	});

	it('keeps syncing a device of the previous app version, which never reports (shown as not reported)', async () => {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
		// The previous version's store has no count, so its engine sends no report.
		Object.defineProperty(d, 'unreceiptedCount', { value: undefined });
		d.append(d.doseEvent());
		d.start();
		await d.until(() => d.count('receipted') === 1);
		const row = await listed(d.identity.deviceId);
		expect(row.lastSeenAt).not.toBeNull();
		expect(row.unreceipted).toBeNull();
		d.stop();
	});

	it('refuses a report beyond the bound: the connection is closed and nothing is stored', async () => {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
		const raw = await connectRaw(server.url, d.identity);
		raw.channel.send({ type: MSG_UNRECEIPTED, count: MAX_UNRECEIPTED });
		const ok = await untilListed(d.identity.deviceId, (r) => r.unreceipted !== null);
		expect(ok.unreceipted).toBe(MAX_UNRECEIPTED);
		raw.channel.send({ type: MSG_UNRECEIPTED, count: MAX_UNRECEIPTED + 1 });
		expect((await raw.closed).code).toBe(CLOSE.FRAME_MALFORMED);
		expect((await listed(d.identity.deviceId)).unreceipted).toBe(MAX_UNRECEIPTED);
	});

	it('closes a connection that floods reports (each one is a database write)', async () => {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
		const raw = await connectRaw(server.url, d.identity);
		// Far beyond the burst of 30 and whatever refills (2 a second) while they are handled.
		for (let i = 0; i < 300; i++) raw.channel.send({ type: MSG_UNRECEIPTED, count: i });
		expect((await raw.closed).code).toBe(CLOSE.RATE_LIMITED);
		expect((await listed(d.identity.deviceId)).unreceipted).toBeLessThan(299);
	});

	it('is for admins only', async () => {
		for (const role of ['staff', 'supervisor'] as const) {
			const user = await admin.createUser(role);
			expect((await user.request('/api/admin/devices')).status).toBe(403);
		}
	});
});
