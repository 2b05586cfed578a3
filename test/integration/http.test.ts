import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toB64 } from '#shared/protocol/bytes';
import { decodeEnrolmentCode } from '#shared/protocol/enrolment-code';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { OfficeClient } from '../helpers/office-client';

describe('HTTP API: health and enrolment', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer();
	});
	afterAll(async () => {
		await server.dispose();
	});

	const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
		fetch(`${server.url}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		});
	const asAdmin = async (path: string, body: unknown) =>
		(await OfficeClient.login(server.url)).request(path, { method: 'POST', body });
	const deviceKeys = () => ({
		boxPublic: toB64(nacl.box.keyPair().publicKey),
		signPublic: toB64(nacl.sign.keyPair().publicKey)
	});

	it('answers /healthz once the ledger is open', async () => {
		const res = await fetch(`${server.url}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ status: 'ok', ledger: 'pglite', municipality: '131016' });
	});

	it('answers /readyz with what it checked: the ledger answers, the disk has room', async () => {
		const res = await fetch(`${server.url}/readyz`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as {
			status: string;
			ledger: unknown;
			disk: { ok: boolean; freeBytes: number; thresholdBytes: number };
			notices?: unknown;
		};
		expect(body).toMatchObject({
			status: 'ready',
			ledger: { ok: true, backend: 'pglite' },
			disk: { ok: true, thresholdBytes: 256 * 1024 * 1024 }
		});
		expect(body.disk.freeBytes).toBeGreaterThan(body.disk.thresholdBytes);
		// PGlite is one process: no notice connection to report.
		expect(body.notices).toBeUndefined();
	});

	it('issues enrolment codes only to a signed-in admin', async () => {
		const res = await post('/api/admin/enrolments', { setting: 'mass', siteCode: 'V001', label: 'x' });
		expect(res.status).toBe(401);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SESSION_REQUIRED');
	});

	it('refuses bad enrolment requests with specific codes', async () => {
		const cases: [unknown, number, string][] = [
			['{not json', 400, 'BAD_JSON'],
			[{ setting: 'mass', siteCode: '../etc', label: 'x' }, 400, 'BAD_REQUEST'],
			[{ setting: 'mass', siteCode: 'V001', label: 'x', extra: true }, 400, 'BAD_REQUEST'],
			[{ setting: 'mass', siteCode: 'V001', label: '1234 5678 9018' }, 400, 'MY_NUMBER']
		];
		for (const [body, status, code] of cases) {
			const res = await asAdmin('/api/admin/enrolments', body);
			expect(res.status, JSON.stringify(body)).toBe(status);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
		}
	});

	it('redeems a code once, with the server keys pinned in the code', async () => {
		const issued = await asAdmin('/api/admin/enrolments', { setting: 'mass', siteCode: 'V001', label: '会場1 受付A' });
		const { code, qrSvg } = (await issued.json()) as { code: string; qrSvg: string };
		// The same code as a QR code for the tablet's camera.
		expect(qrSvg).toMatch(/^<svg[^>]*viewBox="0 0 (\d+) \1"/);
		const decoded = decodeEnrolmentCode(code)!;
		const keys = (await server.keyring.current()).keys;
		expect(decoded.serverKeys.sign).toEqual(keys.sign.publicKey);
		expect(decoded.serverUrl).toBe(server.url);
		const body = { enrolmentId: decoded.enrolmentId, secret: decoded.secret, ...deviceKeys() };
		const first = await post('/api/enrol', body);
		expect(first.status).toBe(201);
		expect(await first.json()).toMatchObject({
			municipality: '131016',
			setting: 'mass',
			siteCode: 'V001',
			label: '会場1 受付A'
		});
		const again = await post('/api/enrol', { ...body, ...deviceKeys() });
		expect(again.status).toBe(410);
		expect(((await again.json()) as { error: { code: string } }).error.code).toBe('ENROLMENT_USED');
		const wrong = await post('/api/enrol', { ...body, secret: toB64(nacl.randomBytes(32)) });
		expect(wrong.status).toBe(404);
	});

	it('limits request bodies and answers unknown API routes with JSON', async () => {
		const big = await post('/api/enrol', 'x'.repeat(1024 * 1024 + 10));
		expect(big.status).toBe(413);
		const missing = await fetch(`${server.url}/api/nope`);
		expect(missing.status).toBe(404);
		expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
	});
});
