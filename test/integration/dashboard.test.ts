import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '#shared/ids';
import { sampleDose, sampleVoid } from '#shared/domain/testing/fixtures';
import type { Dashboard } from '../../sync-server/office/dashboard';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

const DAY = '2026-11-22';
/** An instant at a JST wall-clock time of DAY (JST is UTC+9, no daylight saving). */
const jst = (hhmm: string) => new Date(`${DAY}T${hhmm}:00+09:00`).toISOString();
/** givenAt, and recordedAt a little later (a dose is never recorded before it is given). */
const given = (iso: string) => ({ givenAt: iso, recordedAt: new Date(Date.parse(iso) + 30_000).toISOString() });

describe.each(BACKENDS)('dashboard figures (%s)', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	beforeEach(async () => {
		server = await startBackendServer(backend);
		admin = await OfficeClient.login(server.url);
	});
	afterEach(async () => {
		await server.dispose();
	});

	it('counts synced doses per venue and JST hour and per lot, lists device lag and reports, and open items by reason', async () => {
		const a = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'A' }, admin)
		);
		const b = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V002', label: 'B' }, admin)
		);
		const lot = (l: string) => ({ vaccine: { ...sampleDose().vaccine, expiry: '2099-12-31', lot: l } });
		// 09:xx JST at V001 twice, 14:05 JST once; 00:30 JST (15:30 UTC the day before) at V002.
		a.append(a.doseEvent({ ...given(jst('09:10')), ...lot('FK7789') }));
		a.append(a.doseEvent({ ...given(jst('09:50')), ...lot('FK7789') }));
		a.append(a.doseEvent({ ...given(jst('14:05')), ...lot('GH1234') }));
		const voided = a.doseEvent({ ...given(jst('15:00')), ...lot('GH1234') });
		a.append(voided);
		a.append(
			sampleVoid({
				id: newId(),
				batch: a.batchFor(),
				device: a.identity.deviceId,
				replaces: voided.id,
				recordedAt: jst('15:10')
			})
		);
		b.append(b.doseEvent({ ...given(jst('00:30')), ...lot('FK7789') }));
		// The day before and the day after (JST) are not today's.
		b.append(b.doseEvent({ batch: b.batchFor('2026-11-21'), ...given('2026-11-21T14:59:00.000Z'), ...lot('FK7789') }));
		b.append(b.doseEvent({ batch: b.batchFor('2026-11-23'), ...given('2026-11-22T15:00:00.000Z'), ...lot('FK7789') }));
		for (const d of [a, b]) d.start();
		const settled = (d: MemoryDevice) => d.count('local') + d.count('sent') === 0;
		await a.until(() => settled(a));
		await b.until(() => settled(b));
		expect([a.count('refused'), b.count('refused')]).toEqual([0, 0]);

		const staff = await admin.createUser('staff');
		// Every commit has been judged: nothing will touch the queue behind the test's back.
		await server.reconciler.idle();
		// The rules have filled the queue from these doses (same tickets on both devices, lots
		// not in the master); two more open items and a settled one are added by hand.
		const openBefore = (await staff.json<Dashboard>('GET', `/api/office/dashboard?day=${DAY}`)).openItemsByReason!;
		await server.ledger.db.query(
			`INSERT INTO reconciliation_items (reason, subject, batch_id, status) VALUES
			 ('tally-mismatch', 'test-1', $1, 'open'), ('tally-mismatch', 'test-2', $1, 'open'), ('tally-mismatch', 'test-3', $1, 'accepted')`,
			[a.batchFor()]
		);
		let dash: Dashboard;
		// The devices report after the receipts: wait until both said they hold nothing.
		for (;;) {
			dash = await staff.json<Dashboard>('GET', `/api/office/dashboard?day=${DAY}`);
			if (dash.devices.every((d) => d.unreceipted === 0)) break;
			await new Promise((r) => setTimeout(r, 50));
		}

		expect(dash.day).toBe(DAY);
		expect(dash.dosesByVenueHour).toEqual([
			{ siteCode: 'V001', hour: 9, doses: 2 },
			{ siteCode: 'V001', hour: 14, doses: 1 },
			{ siteCode: 'V002', hour: 0, doses: 1 }
		]);
		expect(dash.dosesByLot).toEqual([
			{ product: 'comirnaty', lot: 'FK7789', doses: 3 },
			{ product: 'comirnaty', lot: 'GH1234', doses: 1 }
		]);
		expect(dash.devices.map((d) => [d.label, d.siteCode, d.unreceipted])).toEqual([
			['A', 'V001', 0],
			['B', 'V002', 0]
		]);
		for (const d of dash.devices) {
			expect(d.lastSeenAt).not.toBeNull();
			expect(d.lagSeconds).toBeGreaterThanOrEqual(0);
		}
		const tally = (items: Dashboard['openItemsByReason']) =>
			items!.find((i) => i.reason === 'tally-mismatch')?.items ?? 0;
		expect(tally(dash.openItemsByReason)).toBe(tally(openBefore) + 2);
		expect(dash.openItemsByReason!.filter((i) => i.reason !== 'tally-mismatch')).toEqual(
			openBefore.filter((i) => i.reason !== 'tally-mismatch')
		);

		// A revoked device is no longer among those the office waits for.
		await admin.json('POST', `/api/admin/devices/${b.identity.deviceId}/revoke`);
		const after = await staff.json<Dashboard>('GET', `/api/office/dashboard?day=${DAY}`);
		expect(after.devices.map((d) => d.label)).toEqual(['A']);
		for (const d of [a, b]) d.stop();
	});

	it('takes today in JST by default and refuses a bad day', async () => {
		const dash = await admin.json<Dashboard>('GET', '/api/office/dashboard');
		expect(dash.day).toBe(new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10));
		expect(dash.dosesByVenueHour).toEqual([]);
		for (const day of ['2026-02-30', 'today', '']) {
			const res = await admin.request(`/api/office/dashboard?day=${encodeURIComponent(day)}`);
			expect(res.status).toBe(400);
			expect(((await res.json()) as { error: { code: string; message: string } }).error.message).toContain('day');
		}
		expect((await admin.request('/api/office/dashboard?days=1')).status).toBe(400);
	});

	it('is for every back-office role, and nobody without a session', async () => {
		for (const role of ['staff', 'supervisor'] as const)
			expect((await (await admin.createUser(role)).request('/api/office/dashboard')).status).toBe(200);
		expect((await fetch(`${server.url}/api/office/dashboard`)).status).toBe(401);
	});
});
