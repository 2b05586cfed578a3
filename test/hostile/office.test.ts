import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../sync-server/audit/audit-log';
import { OfficeClient, TEST_ADMIN } from '../helpers/office-client';
import { FUZZ_SEED } from './harness';
import { startHostileServer, type Hostile } from './harness';

/**
 * The back-office API under attack: a session id planted before login, cross-site requests,
 * forged cookies and CSRF tokens, password guessing, and malformed CSV files for both imports.
 * Each gets its specific refusal, changes nothing, and the server keeps serving devices.
 */
let h: Hostile;
let admin: OfficeClient;
beforeAll(async () => {
	h = await startHostileServer({ LOGIN_BURST: '10', LOGINS_PER_MINUTE: '1' });
	admin = await h.admin();
});
afterAll(async () => {
	await h.dispose();
});

const codeOf = async (res: Response) =>
	`${res.status} ${((await res.json()) as { error?: { code: string } }).error?.code ?? 'OK'}`;
const rows = async (table: string) =>
	(await h.server.ledger.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
/** Everything an office attack could change: accounts, sessions' users, register, lots, audit. */
const state = async () => ({
	users: await rows('office_users'),
	register: await rows('register_tickets'),
	staged: await rows('register_staging'),
	imports: await rows('register_imports'),
	lots: await rows('lots'),
	catalogs: await rows('vaccine_catalogs')
});

describe('sessions and CSRF', () => {
	it('a session id planted before login is never promoted, and forged cookies are refused', async () => {
		const planted = 'vx_office=planted-by-attacker-000000000000000000000';
		const res = await fetch(`${h.url}/api/office/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: planted },
			body: JSON.stringify(TEST_ADMIN)
		});
		expect(res.status).toBe(200);
		expect(res.headers.getSetCookie().join()).not.toContain('planted-by-attacker');
		for (const cookie of [
			planted,
			'vx_office=',
			'vx_office=' + 'A'.repeat(43),
			'vx_office=' + 'x'.repeat(5000),
			`vx_office=${encodeURIComponent("' OR 1=1 --")}`
		]) {
			expect(await codeOf(await fetch(`${h.url}/api/office/users`, { headers: { cookie } })), cookie.slice(0, 30)).toBe(
				'401 SESSION_REQUIRED'
			);
		}
		await h.expectServing();
	});

	it('a cross-site form post with the victim cookie but without the token changes nothing', async () => {
		const before = await state();
		const cookie = (
			await fetch(`${h.url}/api/office/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(TEST_ADMIN)
			})
		).headers
			.getSetCookie()[0]!
			.split(';')[0]!;
		const attempts: [Record<string, string>, string][] = [
			[
				{ 'content-type': 'text/plain', origin: 'https://evil.example' },
				'{"username":"mallory","displayName":"m","role":"admin","password":"mallory-password-01"}'
			],
			[{ 'content-type': 'application/x-www-form-urlencoded' }, 'username=mallory&role=admin'],
			[
				{ 'content-type': 'application/json', 'x-csrf-token': admin.csrfToken },
				'{"username":"mallory","displayName":"m","role":"admin","password":"mallory-password-01"}'
			]
		];
		// The third uses another session's token: tokens are bound to their session.
		for (const [headers, body] of attempts) {
			expect(
				await codeOf(
					await fetch(`${h.url}/api/office/users`, { method: 'POST', headers: { cookie, ...headers }, body })
				)
			).toBe('403 CSRF');
		}
		expect(await state()).toEqual(before);
		await h.expectServing();
	});

	it('password guessing from one address is slowed down, then refused before the password is checked', async () => {
		const guesses: string[] = [];
		for (let i = 0; i < 12; i++) {
			const res = await fetch(`${h.url}/api/office/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ username: `guess-${i}`, password: `guess-password-${i}` })
			});
			guesses.push(await codeOf(res));
		}
		expect(guesses.at(-1)).toBe('429 RATE_LIMITED');
		expect(guesses.filter((g) => g === '401 INVALID_CREDENTIALS').length).toBeLessThanOrEqual(10);
		// Refusals are audited without the guessed password.
		expect(JSON.stringify(await listAudit(h.server.ledger.db, { action: 'login.fail', limit: 100 }))).not.toContain(
			'guess-password'
		);
		await h.expectServing();
	});
});

describe('malformed CSV imports', () => {
	const myNumberLine = '券番号,市町村コード,接種可能回数\n0000000001,131016,1-3\n0000000002,131016,"1 123456789018"\n';
	const files: [string, Uint8Array | string, string][] = [
		['empty', '', '400 EMPTY_FILE'],
		[
			'binary garbage',
			new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919 + FUZZ_SEED) % 256)),
			'400 ENCODING'
		],
		['an unclosed quote', '券番号,市町村コード,接種可能回数\n"0000000001,131016,1-3\n', '400 CSV_MALFORMED'],
		['no header', '0000000001,131016,1-3\n', '400 BAD_HEADER'],
		['a My Number in a cell', myNumberLine, '400 MY_NUMBER'],
		['a NUL byte in the header', '券番号\u0000,市町村コード,接種可能回数\n', '400 BAD_HEADER']
	];

	it('the register import refuses each with its code and stores nothing', async () => {
		const before = await state();
		for (const [what, body, expected] of files) {
			const res = await admin.request('/api/office/register/imports?name=hostile.csv', {
				method: 'POST',
				body,
				headers: { 'content-type': 'text/csv' }
			});
			expect(await codeOf(res), what).toBe(expected);
		}
		const traversal = await admin.request(
			`/api/office/register/imports?name=${encodeURIComponent('../../etc/passwd\u0000')}`,
			{ method: 'POST', body: '券番号,市町村コード,接種可能回数\n', headers: { 'content-type': 'text/csv' } }
		);
		expect(await codeOf(traversal)).toBe('400 BAD_QUERY');
		const oversized = await admin.request('/api/office/register/imports?name=big.csv', {
			method: 'POST',
			body: new Uint8Array(33 * 1024 * 1024),
			headers: { 'content-type': 'text/csv' }
		});
		expect(await codeOf(oversized)).toBe('413 FILE_TOO_LARGE');
		expect(await state()).toEqual(before);
		// The My Number is nowhere: not in the audit log, not in any import row.
		expect(JSON.stringify(await listAudit(h.server.ledger.db, { limit: 1000 }))).not.toContain('123456789018');
		await h.expectServing();
	});

	it('the lot master import refuses each with its code and stores nothing', async () => {
		const before = await state();
		const lotFiles = files.map(
			([what, body, expected]) =>
				[
					what,
					typeof body === 'string'
						? body.replace('券番号,市町村コード,接種可能回数', '製品,ロット番号,有効期限,納品先')
						: body,
					expected
				] as const
		);
		for (const [what, body, expected] of lotFiles) {
			for (const path of ['/api/office/lots/import/preview', '/api/office/lots/import']) {
				const res = await admin.request(path, { method: 'POST', body, headers: { 'content-type': 'text/csv' } });
				expect(await codeOf(res), `${what} → ${path}`).toBe(expected);
			}
		}
		expect(await state()).toEqual(before);
		await h.expectServing();
	});

	it('the vaccine catalogue import refuses each with its code and stores nothing', async () => {
		const before = await state();
		const header =
			'製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日';
		const productFiles = files.map(
			([what, body, expected]) =>
				[
					what,
					typeof body === 'string' ? body.replace('券番号,市町村コード,接種可能回数', header) : body,
					expected
				] as const
		);
		for (const [what, body, expected] of productFiles) {
			for (const path of ['/api/office/products/import/preview', '/api/office/products/import?basedOn=1']) {
				const res = await admin.request(path, { method: 'POST', body, headers: { 'content-type': 'text/csv' } });
				expect(await codeOf(res), `${what} → ${path}`).toBe(expected);
			}
		}
		expect(await state()).toEqual(before);
		expect(JSON.stringify(await listAudit(h.server.ledger.db, { limit: 1000 }))).not.toContain('123456789018');
		await h.expectServing();
	});
});
