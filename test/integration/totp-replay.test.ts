import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { OfficeClient, TEST_ADMIN } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';

/**
 * A TOTP code is accepted once. Several logins carrying the same code at the same moment (an
 * attacker who watched it being typed racing the user) must not all win: the last-used step is
 * claimed by one conditional UPDATE, and only the login that claimed it gets a session.
 */
describe.each(BACKENDS)('one TOTP code, many concurrent logins (%s)', (backend) => {
	let server: TestServer;

	beforeEach(async () => {
		server = await startBackendServer(backend);
	});
	afterEach(async () => {
		await server.dispose();
	});

	it('opens exactly one session', async () => {
		const admin = await OfficeClient.login(server.url);
		const begun = await admin.json<{ secret: string }>('POST', '/api/office/auth/totp/begin');
		const totp = new TOTP({ secret: Secret.fromBase32(begun.secret), period: 30, digits: 6 });
		await admin.json('POST', '/api/office/auth/totp/confirm', { secret: begun.secret, code: totp.generate() });
		// The next step's code: unused, and valid for the whole test (one step of drift is allowed).
		const code = totp.generate({ timestamp: Date.now() + 30_000 });
		const sessionsBefore = (
			await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM office_sessions')
		).rows[0]!.n;

		// Five: the four refused count towards the lockout (LOGIN_MAX_FAILURES, 5), and must not reach it.
		const N = 5;
		const results = await Promise.all(
			Array.from({ length: N }, () =>
				fetch(`${server.url}/api/office/auth/login`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ ...TEST_ADMIN, totp: code })
				}).then(async (r) => `${r.status} ${((await r.json()) as { error?: { code: string } }).error?.code ?? 'OK'}`)
			)
		);
		expect(results.filter((r) => r === '200 OK')).toHaveLength(1);
		expect(results.filter((r) => r === '401 TOTP_INVALID')).toHaveLength(N - 1);
		const sessionsAfter = (
			await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM office_sessions')
		).rows[0]!.n;
		expect(sessionsAfter - sessionsBefore).toBe(1);
	});
});
