import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toB64 } from '#shared/protocol/bytes';
import { decodeEnrolmentCode } from '#shared/protocol/enrolment-code';
import { ENROL_FAILURE_BURST } from '../../sync-server/http/enrol-routes';
import { issueEnrolmentCode } from '../helpers/server-process';
import { startHostileServer, type Hostile } from './harness';
import { postFrom, rawRequest } from './raw-http';

const deviceKeys = () => ({
	boxPublic: toB64(nacl.box.keyPair().publicKey),
	signPublic: toB64(nacl.sign.keyPair().publicKey)
});
const errorCode = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;
const deviceCount = async (h: Hostile) =>
	(await h.server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM devices')).rows[0]!.n;

describe('enrolment codes: reuse and guessing', () => {
	let h: Hostile;
	beforeAll(async () => {
		h = await startHostileServer();
	});
	afterAll(async () => {
		await h.dispose();
	});

	it('a used code is refused with ENROLMENT_USED and enrols nothing', async () => {
		const code = decodeEnrolmentCode(await issueEnrolmentCode(h.url, undefined, await h.admin()))!;
		const body = { enrolmentId: code.enrolmentId, secret: code.secret };
		expect((await postFrom('127.0.0.1', h.url, '/api/enrol', { ...body, ...deviceKeys() })).status).toBe(201);
		const devices = await deviceCount(h);
		const again = await postFrom('127.0.0.1', h.url, '/api/enrol', { ...body, ...deviceKeys() });
		expect([again.status, errorCode(again.body)]).toEqual([410, 'ENROLMENT_USED']);
		expect(await deviceCount(h)).toBe(devices);
		await h.expectServing();
	});

	it('guessing is rate limited per address after a few failures; successes never count', async () => {
		// Enrolling many tablets from one address (a venue behind NAT) is never limited.
		for (let i = 0; i < ENROL_FAILURE_BURST + 2; i++) await h.device();
		const working = await h.device();
		const valid = decodeEnrolmentCode(await issueEnrolmentCode(h.url, undefined, await h.admin()))!;
		const devices = await deviceCount(h);

		const guesses = [];
		for (let i = 0; i < ENROL_FAILURE_BURST; i++) {
			// Half guess the secret of a real enrolment, half probe random enrolment ids.
			const enrolmentId = i % 2 ? valid.enrolmentId : crypto.randomUUID();
			const r = await postFrom('127.0.0.3', h.url, '/api/enrol', {
				enrolmentId,
				secret: toB64(nacl.randomBytes(32)),
				...deviceKeys()
			});
			guesses.push(`${r.status} ${errorCode(r.body)}`);
		}
		expect(guesses).toEqual(Array(ENROL_FAILURE_BURST).fill('404 ENROLMENT_UNKNOWN'));
		const limited = await postFrom('127.0.0.3', h.url, '/api/enrol', {
			enrolmentId: valid.enrolmentId,
			secret: toB64(nacl.randomBytes(32)),
			...deviceKeys()
		});
		expect([limited.status, errorCode(limited.body)]).toEqual([429, 'RATE_LIMITED']);
		// Once limited, even the right secret is not looked at, so it cannot confirm a guess.
		const right = await postFrom('127.0.0.3', h.url, '/api/enrol', {
			enrolmentId: valid.enrolmentId,
			secret: valid.secret,
			...deviceKeys()
		});
		expect(right.status).toBe(429);
		expect(await deviceCount(h)).toBe(devices);

		// Everyone else: another address redeems the code, and enrolled devices keep syncing.
		expect(
			(
				await postFrom('127.0.0.4', h.url, '/api/enrol', {
					enrolmentId: valid.enrolmentId,
					secret: valid.secret,
					...deviceKeys()
				})
			).status
		).toBe(201);
		working.append(working.doseEvent());
		working.start();
		await working.until(() => working.count('receipted') === 1);
		await h.expectServing();
	});
});

describe('HTTP: oversized bodies and hostile request targets', () => {
	let h: Hostile;
	let root: string;
	const SECRET = 'secret-outside-the-static-root-7f3a';
	beforeAll(async () => {
		// The built PWA's directory, with a file beside it (not inside) that must stay unreachable.
		root = await mkdtemp(join(tmpdir(), 'vacc-hostile-static-'));
		await mkdir(join(root, 'static', '_app'), { recursive: true });
		await writeFile(join(root, 'static', 'index.html'), '<!doctype html><title>app shell</title>');
		await writeFile(join(root, 'static', '_app', 'app.js'), 'console.log(1)');
		await writeFile(join(root, 'secret.txt'), SECRET);
		h = await startHostileServer({ STATIC_DIR: join(root, 'static') });
	});
	afterEach(async () => {
		await h.expectServing();
	});
	afterAll(async () => {
		await h.dispose();
		await rm(root, { recursive: true, force: true });
	});

	it('refuses bodies over 1 MiB with BODY_TOO_LARGE, with or without a length, and stores nothing', async () => {
		const devices = await deviceCount(h);
		const big = JSON.stringify({ enrolmentId: 'x'.repeat(1024 * 1024) });
		for (const path of ['/api/enrol', '/api/office/auth/login', '/api/admin/enrolments']) {
			const sized = await rawRequest(
				h.url,
				`POST ${path} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${big.length}`,
				big
			);
			expect([path, sized.status, errorCode(sized.body)]).toEqual([path, 413, 'BODY_TOO_LARGE']);
			// Chunked: the server cannot know the size up front and must stop reading at the limit.
			const chunked = await rawRequest(
				h.url,
				`POST ${path} HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked`,
				`${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`
			);
			expect([path, chunked.status, errorCode(chunked.body)]).toEqual([path, 413, 'BODY_TOO_LARGE']);
		}
		expect(await deviceCount(h)).toBe(devices);
	});

	it('serves nothing outside the static root, however the path is encoded', async () => {
		// The control: the file inside the root is served, so a refusal below is the path's doing.
		expect((await rawRequest(h.url, 'GET /_app/app.js HTTP/1.1')).body).toBe('console.log(1)');
		const targets = [
			'/../secret.txt',
			'/_app/../../secret.txt',
			'/%2e%2e/secret.txt',
			'/%2E%2E/secret.txt',
			'/.%2e/secret.txt',
			'/..%2fsecret.txt',
			'/%2e%2e%2fsecret.txt',
			'/_app/..%2f..%2fsecret.txt',
			'/..%5csecret.txt',
			'/..\\secret.txt',
			'/_app\\..\\..\\secret.txt',
			'/%252e%252e/secret.txt',
			'/%252e%252e%252fsecret.txt',
			'/%25%32%65%25%32%65/secret.txt',
			'/%c0%ae%c0%ae/secret.txt',
			'/..%00/secret.txt',
			'/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
			'//../secret.txt',
			'/..;/secret.txt',
			`/${join(root, 'secret.txt')}`,
			`/%2f${encodeURIComponent(join(root, 'secret.txt'))}`,
			`http://x/../secret.txt`
		];
		for (const target of targets) {
			const r = await rawRequest(h.url, `GET ${target} HTTP/1.1`);
			// Either a refusal, or the app shell (client-side routes fall back to it): never the file.
			expect(r.body, target).not.toContain(SECRET);
			expect(r.body, target).not.toContain('root:x:0');
			expect(r.status === 200 ? r.body : r.status, target).toSatisfy(
				(v: unknown) =>
					v === '<!doctype html><title>app shell</title>' || (typeof v === 'number' && v >= 400 && v < 500)
			);
		}
		expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
	});

	it('survives a hostile request target on the WebSocket upgrade', async () => {
		const upgrade =
			'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';
		for (const target of ['//', '/sync/../sync', '/%2e%2e/sync', 'http://[::1', '*']) {
			await rawRequest(h.url, `GET ${target} HTTP/1.1\r\n${upgrade}`);
		}
		expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
	});
});
