import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfficeClient } from '../helpers/office-client';
import { ASCII_DISGUISES, DISGUISES, holdsTheNumber } from './disguises';
import { startHostileServer, type Hostile } from './harness';

/**
 * The HTTP boundary's front door: a disguised My Number anywhere in a request — any route's path
 * parameters, its query, a header, its JSON body (whatever the content type says), a CSV cell or
 * an uploaded file's name — is refused with MY_NUMBER naming where it was, before any route
 * runs. Nothing is stored (every table's row count is unchanged), nothing is echoed, and the
 * server's log never holds it (the test reads the log lines the server wrote).
 */
let h: Hostile;
let admin: OfficeClient;
beforeAll(async () => {
	h = await startHostileServer();
	admin = await h.admin();
});
afterAll(async () => {
	await h.dispose();
});

/** Row counts of every table: a refused request changes none. */
async function everyTable(): Promise<Record<string, number>> {
	// The reconciliation rules run after a commit (the well-behaved device of a previous test).
	await h.server.reconciler.idle();
	const { rows: tables } = await h.server.ledger.db.query<{ table_name: string }>(
		`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	);
	const counts: Record<string, number> = {};
	for (const { table_name } of tables)
		counts[table_name] = (
			await h.server.ledger.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}"`)
		).rows[0]!.n;
	return counts;
}

/** Every API route the app registers, as method and pattern. */
const routes = () => [
	...new Set(
		h.server.app.routes
			.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.includes('*'))
			.map((r) => `${r.method} ${r.path}`)
	)
];
const SOME_UUID = '01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f';

async function refusal(res: Response): Promise<string> {
	const text = await res.text();
	if (holdsTheNumber(text)) return `${res.status} echoed the number`;
	const error = (JSON.parse(text) as { error?: { code: string; field?: string } }).error;
	return `${res.status} ${error?.code ?? 'OK'}${error?.field ? ` ${error.field}` : ''}`;
}

describe('a disguised My Number anywhere in an HTTP request is refused before routing', () => {
	it('in every route: each path parameter, the query, a header and the JSON body', async () => {
		const before = await everyTable();
		const all = routes();
		expect(all.length).toBeGreaterThan(50);
		const wrong: string[] = [];
		const expectRefused = async (what: string, res: Response, field: string) => {
			const got = await refusal(res);
			if (got !== `400 MY_NUMBER ${field}`) wrong.push(`${what}: ${got}`);
		};
		for (const route of all) {
			const [method, pattern] = route.split(' ') as [string, string];
			const params = pattern.match(/:[a-zA-Z]+/g) ?? [];
			const plain = pattern.replace(/:[a-zA-Z]+/g, SOME_UUID);
			const body = method === 'GET' ? undefined : { note: 'x' };
			for (const [i, disguise] of DISGUISES.entries()) {
				// Each path parameter in turn, percent-encoded as a browser would send it.
				for (const p of params) {
					const path = pattern.replace(/:[a-zA-Z]+/g, (m) => (m === p ? encodeURIComponent(disguise) : SOME_UUID));
					await expectRefused(`${route} ${p} #${i}`, await admin.request(path, { method, body }), 'path');
				}
				await expectRefused(
					`${route} query #${i}`,
					await admin.request(`${plain}?name=${encodeURIComponent(disguise)}`, { method, body }),
					'query.name'
				);
				// The register upload's body is the CSV file itself, read cell by cell (next test).
				if (method !== 'GET' && route !== 'POST /api/office/register/imports') {
					await expectRefused(
						`${route} body #${i}`,
						await admin.request(plain, { method, body: { sites: [{ code: 'V001', name: disguise }] } }),
						'body.sites.0.name'
					);
					// A route parses JSON whatever the content type says; so does the front door.
					await expectRefused(
						`${route} text/plain body #${i}`,
						await admin.request(plain, {
							method,
							body: JSON.stringify({ note: disguise }),
							headers: { 'content-type': 'text/plain' }
						}),
						'body.note'
					);
				}
			}
			for (const [i, disguise] of ASCII_DISGUISES.entries()) {
				await expectRefused(
					`${route} header #${i}`,
					await admin.request(plain, { method, body, headers: { 'x-file-name': disguise } }),
					'header.x-file-name'
				);
			}
		}
		// Without a session too: the door stands before the session check.
		const anonymous = await fetch(`${h.url}/api/office/users?name=${encodeURIComponent(DISGUISES.at(-1)!)}`);
		expect(await refusal(anonymous)).toBe('400 MY_NUMBER query.name');
		expect(wrong).toEqual([]);
		expect(await everyTable()).toEqual(before);
		expect(holdsTheNumber(h.server.logs.join('\n'))).toBe(false);
		await h.expectServing();
	});

	it('the path that answered 500 and logged the number: a NUL after it', async () => {
		const res = await admin.request('/api/office/lots/comirnaty/123456789018%00', { method: 'DELETE' });
		expect(await refusal(res)).toBe('400 MY_NUMBER path');
		const nul = await admin.request('/api/office/lots/comirnaty/FK7789%00', { method: 'DELETE' });
		expect(await refusal(nul)).toBe('400 BAD_PATH');
		expect(holdsTheNumber(h.server.logs.join('\n'))).toBe(false);
	});

	it('in a CSV cell or the uploaded file name of every import', async () => {
		const before = await everyTable();
		const imports: [string, string, string][] = [
			['/api/office/register/imports', '券番号,市町村コード,接種可能回数', '0000000001,131016,1-3'],
			['/api/office/lots/import/preview', '製品,ロット番号,有効期限,納品先', 'comirnaty,FK7789,2030-12-31,V001'],
			['/api/office/lots/import', '製品,ロット番号,有効期限,納品先', 'comirnaty,FK7789,2030-12-31,V001'],
			[
				'/api/office/products/import/preview',
				'製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日',
				'x,x,x,x,,0.3,左上腕,筋肉内注射,3,21;90'
			],
			[
				'/api/office/products/import?basedOn=1',
				'製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日',
				'x,x,x,x,,0.3,左上腕,筋肉内注射,3,21;90'
			]
		];
		const wrong: string[] = [];
		const auditBefore = (await h.server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))
			.rows[0]!.n;
		for (const [path, header, good] of imports) {
			const join = path.includes('?') ? '&' : '?';
			for (const [i, disguise] of DISGUISES.entries()) {
				const cell = `${header}\n${good}\n${good.replace(/^[^,]+/, `"${disguise}"`)}\n`;
				const inCell = await refusal(
					await admin.request(`${path}${join}name=ok.csv`, {
						method: 'POST',
						body: cell,
						headers: { 'content-type': 'text/csv' }
					})
				);
				if (inCell !== '400 MY_NUMBER') wrong.push(`${path} cell #${i}: ${inCell}`);
				const named = await refusal(
					await admin.request(`${path}${join}name=${encodeURIComponent(`${disguise}.csv`)}`, {
						method: 'POST',
						body: `${header}\n${good}\n`,
						headers: { 'content-type': 'text/csv' }
					})
				);
				if (named !== '400 MY_NUMBER query.name') wrong.push(`${path} file name #${i}: ${named}`);
			}
		}
		expect(wrong).toEqual([]);
		// A refused register file is audited by its code and size only (register-routes.ts).
		const { audit_log: _a, ...after } = await everyTable();
		const { audit_log: _b, ...beforeOthers } = before;
		expect(after).toEqual(beforeOthers);
		const audited = (await h.server.ledger.db.query('SELECT * FROM audit_log WHERE seq > $1', [auditBefore])).rows;
		expect(audited.length).toBeGreaterThan(0);
		expect(holdsTheNumber(JSON.stringify(audited))).toBe(false);
		expect(holdsTheNumber(h.server.logs.join('\n'))).toBe(false);
		await h.expectServing();
	});
});
