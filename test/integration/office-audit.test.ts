import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRow, ChainCheck } from '../../sync-server/audit/audit-log';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

type Page = { entries: AuditRow[]; nextBefore: number | null };

/** JST calendar date of an instant, as the viewer's date filter takes it. */
const jstDay = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 10);

describe.each(BACKENDS)('audit log viewer API (%s)', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	let supervisor: OfficeClient;
	let deviceId: string;
	beforeEach(async () => {
		server = await startBackendServer(backend);
		admin = await OfficeClient.login(server.url);
		supervisor = await admin.createUser('supervisor');
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
		deviceId = d.identity.deviceId;
		await admin.json('POST', `/api/admin/devices/${deviceId}/revoke`);
	});
	afterEach(async () => {
		await server.dispose();
	});

	const list = (as: OfficeClient, query: Record<string, string | number> = {}) =>
		as.json<Page>(
			'GET',
			`/api/office/audit?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`
		);

	it('lists entries newest first and filters them by action prefix, actor, target and JST date range', async () => {
		const all = (await list(supervisor)).entries;
		const seqs = all.map((e) => e.seq);
		expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
		expect(all.map((e) => e.action)).toEqual(
			expect.arrayContaining(['login.ok', 'user.create', 'device.enrolment.issue', 'device.revoke'])
		);

		const devices = (await list(supervisor, { action: 'device.' })).entries;
		expect(devices.map((e) => e.action).sort()).toEqual(['device.enrolment.issue', 'device.revoke']);
		expect(devices.every((e) => e.actorId === admin.user.id)).toBe(true);

		const bySupervisor = (await list(admin, { actor: supervisor.user.id })).entries;
		expect(bySupervisor.map((e) => e.action)).toEqual(['login.ok']);

		const byTarget = (await list(admin, { target: deviceId })).entries;
		expect(byTarget.map((e) => e.action)).toEqual(['device.revoke']);
		expect(byTarget[0]!.detail).toMatchObject({ siteCode: 'V001' });

		const today = jstDay(Date.parse(all[0]!.at));
		expect((await list(admin, { from: today, to: today })).entries.length).toBe(all.length);
		const tomorrow = jstDay(Date.parse(all[0]!.at) + 86_400_000);
		expect((await list(admin, { from: tomorrow })).entries).toEqual([]);
		const yesterday = jstDay(Date.parse(all[0]!.at) - 86_400_000);
		expect((await list(admin, { to: yesterday })).entries).toEqual([]);
	});

	it('pages by sequence number without gaps or repeats', async () => {
		const all = (await list(admin)).entries;
		expect(all.length).toBeGreaterThan(4);
		const seen: number[] = [];
		let before: number | null = null;
		do {
			const page: Page = await list(admin, { limit: 2, ...(before ? { before } : {}) });
			expect(page.entries.length).toBeLessThanOrEqual(2);
			seen.push(...page.entries.map((e) => e.seq));
			before = page.nextBefore;
		} while (before !== null);
		expect(seen).toEqual(all.map((e) => e.seq));
	});

	it('refuses bad filters with a specific error', async () => {
		const bad: [Record<string, string>, string][] = [
			[{ action: 'DROP TABLE' }, 'action'],
			[{ actor: 'someone' }, 'actor'],
			[{ from: '2026-13-01' }, 'from'],
			[{ to: '2026-02-30' }, 'to'],
			[{ from: '2026-11-22', to: '2026-11-21' }, 'to'],
			[{ before: '0' }, 'before'],
			[{ limit: '501' }, 'limit'],
			[{ actions: 'login.' }, 'actions']
		];
		for (const [query, field] of bad) {
			const res = await admin.request(`/api/office/audit?${new URLSearchParams(query)}`);
			expect(res.status, JSON.stringify(query)).toBe(400);
			const { error } = (await res.json()) as { error: { code: string; message: string } };
			expect(error.code).toBe('BAD_REQUEST');
			expect(error.message).toContain(field);
		}
	});

	it('is for supervisors and admins', async () => {
		const staff = await admin.createUser('staff');
		for (const path of ['/api/office/audit', '/api/office/audit/verify', '/api/office/audit/actors']) {
			expect((await staff.request(path)).status).toBe(403);
			expect((await supervisor.request(path)).status).toBe(200);
		}
		const { actors } = await supervisor.json<{ actors: { id: string; username: string }[] }>(
			'GET',
			'/api/office/audit/actors'
		);
		expect(actors.map((a) => a.id)).toEqual(expect.arrayContaining([admin.user.id, supervisor.user.id, staff.user.id]));
	});

	it('verifies the chain, and names the entry a database superuser edited behind its back', async () => {
		const intact = await admin.json<ChainCheck>('GET', '/api/office/audit/verify');
		const total = (await list(admin)).entries.length;
		expect(intact).toEqual({ ok: true, rows: total });

		const revoke = (await list(admin, { action: 'device.revoke' })).entries[0]!;
		await server.ledger.db.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
		await server.ledger.db.query(`UPDATE audit_log SET target = 'someone-else' WHERE seq = $1`, [revoke.seq]);
		await server.ledger.db.exec(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);

		const broken = await supervisor.json<ChainCheck>('GET', '/api/office/audit/verify');
		expect(broken).toMatchObject({ ok: false, brokenAt: revoke.seq, reason: 'hash', rows: revoke.seq - 1 });
	});
});
