import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/in-process-server';

/** Per-address limits behind a load balancer: the balancer's X-Forwarded-For counts only when trusted. */
describe('TRUST_PROXY', () => {
	const attempt = (url: string, forwardedFor: string) =>
		fetch(`${url}/api/office/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
			body: JSON.stringify({ username: 'nobody', password: 'wrong-password-000' })
		}).then((r) => r.status);

	for (const trusted of [true, false]) {
		it(`${trusted ? 'counts each client behind the balancer apart' : 'ignores a header any client could write'}`, async () => {
			const server = await startTestServer({ LOGIN_BURST: '2', LOGINS_PER_MINUTE: '1', TRUST_PROXY: String(trusted) });
			try {
				// The client wrote the first entry; the balancer appended the last (the real client).
				const a = [
					await attempt(server.url, '6.6.6.6, 10.0.0.1'),
					await attempt(server.url, '7.7.7.7, 10.0.0.1'),
					await attempt(server.url, '8.8.8.8, 10.0.0.1')
				];
				const b = await attempt(server.url, '6.6.6.6, 10.0.0.2');
				expect(a).toEqual([401, 401, 429]);
				expect(b).toBe(trusted ? 401 : 429);
			} finally {
				await server.dispose();
			}
		});
	}
});
