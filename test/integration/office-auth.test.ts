import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain, listAudit } from '../../sync-server/audit/audit-log';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { OfficeClient, OfficeLoginError, TEST_ADMIN } from '../helpers/office-client';

let server: TestServer;
beforeEach(async () => {
	server = await startTestServer({ LOGIN_MAX_FAILURES: '3' });
});
afterEach(async () => {
	await server.dispose();
});

const loginError = (p: Promise<unknown>) =>
	p.then(
		() => 'OK',
		(e: unknown) => (e instanceof OfficeLoginError ? `${e.status} ${e.code}` : String(e))
	);
const code = async (res: Response) =>
	`${res.status} ${((await res.json()) as { error?: { code: string } }).error?.code ?? 'OK'}`;
const login = (username: string, password: string) =>
	fetch(`${server.url}/api/office/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password })
	});

describe('back-office login and sessions', () => {
	it('first-run setup works once, with the printed token only', async () => {
		const setup = (token: string) =>
			fetch(`${server.url}/api/office/auth/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ token, username: 'second', displayName: 'x', password: 'another-password-012' })
			});
		// The test server already used its token for the test administrator.
		expect(server.setupToken()).toBeNull();
		expect(await code(await setup('anything'))).toBe('409 SETUP_DONE');
		expect(await (await fetch(`${server.url}/api/office/auth/setup`)).json()).toEqual({ needed: false });
	});

	it('signs in with a new httpOnly SameSite=Strict cookie and refuses wrong passwords with one message', async () => {
		const ok = await login(TEST_ADMIN.username, TEST_ADMIN.password);
		expect(ok.status).toBe(200);
		const cookie = ok.headers.getSetCookie()[0]!;
		expect(cookie).toMatch(/^vx_office=[A-Za-z0-9_-]{43}; /);
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Strict/);
		expect(await code(await login(TEST_ADMIN.username, 'wrong-password-0000'))).toBe('401 INVALID_CREDENTIALS');
		expect(await code(await login('nobody-here', 'wrong-password-0000'))).toBe('401 INVALID_CREDENTIALS');
	});

	it('never promotes a session id chosen before login (session fixation)', async () => {
		const planted = 'vx_office=attacker-chosen-session-id-0000000000000000';
		const res = await fetch(`${server.url}/api/office/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: planted },
			body: JSON.stringify(TEST_ADMIN)
		});
		expect(res.status).toBe(200);
		expect(res.headers.getSetCookie()[0]).not.toContain('attacker-chosen');
		const withPlanted = await fetch(`${server.url}/api/office/auth/session`, { headers: { cookie: planted } });
		expect(await code(withPlanted)).toBe('401 SESSION_REQUIRED');
	});

	it('refuses changes without the CSRF token or from another origin, and allows reads', async () => {
		const admin = await OfficeClient.login(server.url);
		const body = { username: 'csrf-test', displayName: 'x', role: 'staff', password: 'csrf-test-password-1' };
		expect(
			await code(await admin.request('/api/office/users', { method: 'POST', body, headers: { 'x-csrf-token': '' } }))
		).toBe('403 CSRF');
		expect(
			await code(
				await admin.request('/api/office/users', { method: 'POST', body, headers: { 'x-csrf-token': 'x'.repeat(43) } })
			)
		).toBe('403 CSRF');
		expect(
			await code(
				await admin.request('/api/office/users', { method: 'POST', body, headers: { origin: 'https://evil.example' } })
			)
		).toBe('403 CSRF');
		expect((await admin.request('/api/office/users')).status).toBe(200);
		expect(
			(await admin.json<{ users: { username: string }[] }>('GET', '/api/office/users')).users.map((u) => u.username)
		).not.toContain('csrf-test');
		expect((await admin.request('/api/office/users', { method: 'POST', body })).status).toBe(201);
	});

	it('ends a session after the idle timeout, at logout, and when the account is disabled', async () => {
		const admin = await OfficeClient.login(server.url);
		const staff = await admin.createUser('staff');
		expect((await staff.request('/api/office/auth/session')).status).toBe(200);
		// Thirty-one minutes without a request (OFFICE_IDLE_MINUTES defaults to 30).
		await server.ledger.db.query(
			`UPDATE office_sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1`,
			[staff.user.id]
		);
		expect(await code(await staff.request('/api/office/auth/session'))).toBe('401 SESSION_REQUIRED');

		const again = await OfficeClient.login(server.url, {
			username: staff.user.username,
			password: `${staff.user.username}-password-0123`
		});
		expect((await again.request('/api/office/auth/logout', { method: 'POST' })).status).toBe(200);
		expect(await code(await again.request('/api/office/auth/session'))).toBe('401 SESSION_REQUIRED');

		const third = await OfficeClient.login(server.url, {
			username: staff.user.username,
			password: `${staff.user.username}-password-0123`
		});
		await admin.json('PATCH', `/api/office/users/${staff.user.id}`, { disabled: true });
		expect(await code(await third.request('/api/office/auth/session'))).toBe('401 SESSION_REQUIRED');
		expect(
			await loginError(
				OfficeClient.login(server.url, {
					username: staff.user.username,
					password: `${staff.user.username}-password-0123`
				})
			)
		).toBe('401 ACCOUNT_DISABLED');
	});

	it('locks an account after repeated failures, even for the right password, until an admin unlocks it', async () => {
		const admin = await OfficeClient.login(server.url);
		const staff = await admin.createUser('staff');
		const creds = { username: staff.user.username, password: `${staff.user.username}-password-0123` };
		expect(await code(await login(creds.username, 'wrong-password-0000'))).toBe('401 INVALID_CREDENTIALS');
		expect(await code(await login(creds.username, 'wrong-password-0000'))).toBe('401 INVALID_CREDENTIALS');
		const third = await login(creds.username, 'wrong-password-0000');
		expect(third.status).toBe(423);
		expect(((await third.json()) as { error: { code: string; lockedUntil: string } }).error).toMatchObject({
			code: 'ACCOUNT_LOCKED',
			lockedUntil: expect.any(String)
		});
		expect(await loginError(OfficeClient.login(server.url, creds))).toBe('423 ACCOUNT_LOCKED');
		await admin.json('POST', `/api/office/users/${staff.user.id}/unlock`);
		expect(await loginError(OfficeClient.login(server.url, creds))).toBe('OK');
	});

	it('asks for a TOTP code once the second factor is on, and accepts each code once', async () => {
		const admin = await OfficeClient.login(server.url);
		const begun = await admin.json<{ secret: string; uri: string; qrSvg: string }>(
			'POST',
			'/api/office/auth/totp/begin'
		);
		expect(begun.uri).toMatch(/^otpauth:\/\/totp\//);
		expect(begun.qrSvg).toMatch(/^<svg/);
		const totp = new TOTP({ secret: Secret.fromBase32(begun.secret), period: 30, digits: 6 });
		expect(
			await code(
				await admin.request('/api/office/auth/totp/confirm', {
					method: 'POST',
					body: { secret: begun.secret, code: '000000' === totp.generate() ? '111111' : '000000' }
				})
			)
		).toBe('400 TOTP_INVALID');
		const first = totp.generate();
		expect(
			(
				await admin.request('/api/office/auth/totp/confirm', {
					method: 'POST',
					body: { secret: begun.secret, code: first }
				})
			).status
		).toBe(200);

		expect(await loginError(OfficeClient.login(server.url))).toBe('401 TOTP_REQUIRED');
		// The code that confirmed the factor has been used.
		expect(await loginError(OfficeClient.login(server.url, TEST_ADMIN, first))).toBe('401 TOTP_INVALID');
		const next = totp.generate({ timestamp: Date.now() + 30_000 });
		expect(await loginError(OfficeClient.login(server.url, TEST_ADMIN, next))).toBe('OK');
		expect(await loginError(OfficeClient.login(server.url, TEST_ADMIN, next))).toBe('401 TOTP_INVALID');
	});

	it('refuses weak passwords and My Numbers in account fields', async () => {
		const admin = await OfficeClient.login(server.url);
		const add = (password: string, displayName = 'x') =>
			admin.request('/api/office/users', {
				method: 'POST',
				body: { username: 'weak-user', displayName, role: 'staff', password }
			});
		expect(await code(await add('short'))).toBe('400 PASSWORD_TOO_SHORT');
		expect(await code(await add('pass 123456789018 word'))).toBe('400 MY_NUMBER');
		expect(await code(await add('long-enough-password', '123456789018'))).toBe('400 MY_NUMBER');
		expect(
			await code(
				await admin.request('/api/office/users', {
					method: 'POST',
					body: { username: 'Bad Name', displayName: 'x', role: 'staff', password: 'long-enough-password' }
				})
			)
		).toBe('400 BAD_REQUEST');
		expect(
			await code(
				await admin.request('/api/office/users', {
					method: 'POST',
					body: { username: 'u-role', displayName: 'x', role: 'root', password: 'long-enough-password' }
				})
			)
		).toBe('400 BAD_REQUEST');
		expect((await admin.json<{ users: unknown[] }>('GET', '/api/office/users')).users).toHaveLength(1);
	});

	it('an admin cannot demote or disable themselves', async () => {
		const admin = await OfficeClient.login(server.url);
		expect(
			await code(
				await admin.request(`/api/office/users/${admin.user.id}`, { method: 'PATCH', body: { role: 'staff' } })
			)
		).toBe('409 SELF_CHANGE');
		expect(
			await code(
				await admin.request(`/api/office/users/${admin.user.id}`, { method: 'PATCH', body: { disabled: true } })
			)
		).toBe('409 SELF_CHANGE');
	});

	it('writes every login, failure and account change to an intact audit chain', async () => {
		const admin = await OfficeClient.login(server.url);
		await login(TEST_ADMIN.username, 'wrong-password-0000');
		const staff = await admin.createUser('staff');
		await admin.json('PATCH', `/api/office/users/${staff.user.id}`, { role: 'supervisor' });
		const actions = (await listAudit(server.ledger.db, { limit: 100 })).map((r) => r.action).reverse();
		expect(actions).toEqual(['user.create', 'login.ok', 'login.fail', 'user.create', 'login.ok', 'user.update']);
		expect(JSON.stringify(await listAudit(server.ledger.db, {}))).not.toContain('password-0123');
		expect(await verifyAuditChain(server.ledger.db)).toEqual({ ok: true, rows: 6 });
	});
});
