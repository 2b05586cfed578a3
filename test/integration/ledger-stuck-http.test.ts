import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { OfficeClient } from '../helpers/office-client';

/**
 * The embedded ledger stuck (the test hook makes its thread spin): the process keeps answering,
 * the office API says 503 with a stable code instead of hanging or a 500, and the supervisor
 * reopens the ledger without restarting anything.
 */
describe('HTTP while the ledger is stuck', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer({ LEDGER_TEST_HOOKS: 'true', LEDGER_TIMEOUT_SECONDS: '2' });
	});
	afterAll(async () => {
		await server.dispose();
	});

	it('answers liveness at once, 503 LEDGER_UNAVAILABLE for office requests, then serves again by itself', async () => {
		const admin = await OfficeClient.login(server.url);
		expect((await admin.request('/api/office/users')).status).toBe(200);
		server.ledger.db.blockForTest!();

		const health = await fetch(`${server.url}/healthz`);
		expect(health.status).toBe(200);
		// Both wait on the stuck thread, and both are answered when the watchdog gives up on it.
		const [res, ready] = await Promise.all([admin.request('/api/office/users'), fetch(`${server.url}/readyz`)]);
		expect(res.status).toBe(503);
		expect(res.headers.get('retry-after')).toBe('30');
		expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
			code: 'LEDGER_UNAVAILABLE',
			message: expect.stringContaining('台帳が一時的に応答していません')
		});
		expect(ready.status).toBe(503);
		expect(((await ready.json()) as { ledger: { ok: boolean; reason: string } }).ledger).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/did not answer/)
		});
		expect(server.logs.some((l) => l.includes('ledger not answering'))).toBe(true);

		await expect
			.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 90_000, interval: 250 })
			.toBe(200);
		expect((await admin.request('/api/office/users')).status).toBe(200);
	});
});
