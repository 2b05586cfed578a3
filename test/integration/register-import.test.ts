import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { myNumberCheckDigit } from '#shared/index';
import { CAN, ROLES } from '#shared/office/roles';
import { listAudit } from '../../sync-server/audit/audit-log';
import {
	RegisterStore,
	REGISTER_BATCH,
	type ImportPreview,
	type ImportSummary
} from '../../sync-server/register/store';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';

const HEADER = '券番号,市町村コード,接種可能回数,転出日,死亡日';
const MY_NUMBER = `12345678901${myNumberCheckDigit('12345678901')}`;
/** Ten-digit ticket numbers of one test, so tests sharing a server never touch each other's rows. */
const ticket = (prefix: number, n: number) => `${String(prefix).padStart(2, '0')}${String(n).padStart(8, '0')}`;
const csv = (lines: string[], header = HEADER) => [header, ...lines].join('\r\n') + '\r\n';

describe.each(BACKENDS)('register import on %s', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	let staff: OfficeClient;

	beforeAll(async () => {
		server = await startBackendServer(backend);
		admin = await OfficeClient.login(server.url);
		staff = await admin.createUser('staff');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const upload = (body: string | Uint8Array, name = 'register.csv', as: OfficeClient = staff) =>
		as.request(`/api/office/register/imports?name=${encodeURIComponent(name)}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'text/csv' }
		});
	const preview = async (body: string | Uint8Array, name?: string): Promise<ImportPreview> => {
		const res = await upload(body, name);
		expect(res.status, await res.clone().text()).toBe(201);
		return ((await res.json()) as { import: ImportPreview }).import;
	};
	const commit = (id: string, body: unknown = {}, as: OfficeClient = staff) =>
		as.request(`/api/office/register/imports/${id}/commit`, { method: 'POST', body });
	const committed = async (id: string, body: unknown = {}): Promise<ImportSummary> => {
		const res = await commit(id, body);
		expect(res.status, await res.clone().text()).toBe(200);
		return ((await res.json()) as { import: ImportSummary }).import;
	};
	const lookup = (municipality: string, t: string) =>
		staff.request(`/api/office/register/tickets/${municipality}/${t}`);
	const row = async (municipality: string, t: string) => {
		const { rows } = await server.ledger.db.query<{ import_id: string; updated_at: Date }>(
			'SELECT import_id, updated_at FROM register_tickets WHERE municipality = $1 AND ticket_number = $2',
			[municipality, t]
		);
		return rows[0] ?? null;
	};
	const count = async (table: string) =>
		(await server.ledger.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

	it('imports a UTF-8 file: preview, commit, look-up, audit with counts and hash only', async () => {
		const p = await preview(
			csv([
				`${ticket(1, 1)},131016,1-3,,`,
				`${ticket(1, 2)},131016,"1,2,5",2025/04/01,`,
				`${ticket(1, 3)},131041,1,,2024-12-31`
			]),
			'台帳 2025-10.csv'
		);
		expect(p).toMatchObject({
			encoding: 'utf-8',
			fileName: '台帳 2025-10.csv',
			totalRows: 3,
			validRows: 3,
			errorRows: 0,
			errors: [],
			state: 'previewed',
			sameFileAs: null
		});
		expect(p.municipalities).toEqual({ '131016': 2, '131041': 1 });
		expect(p.sample[1]).toEqual({
			line: 3,
			municipality: '131016',
			ticketNumber: ticket(1, 2),
			eligibleDoses: [1, 2, 5],
			movedOutOn: '2025-04-01',
			deceasedOn: null
		});
		expect(await lookup('131016', ticket(1, 1)).then((r) => r.status)).toBe(404);

		const done = await committed(p.id);
		expect(done).toMatchObject({
			state: 'committed',
			committedRows: 3,
			insertedRows: 3,
			updatedRows: 0,
			unchangedRows: 0,
			committedBy: staff.user.username
		});
		const res = await lookup('131016', ticket(1, 2));
		expect(res.status).toBe(200);
		expect(((await res.json()) as { ticket: unknown }).ticket).toMatchObject({
			eligibleDoses: [1, 2, 5],
			movedOutOn: '2025-04-01',
			deceasedOn: null,
			importId: p.id
		});
		expect(((await (await lookup('131041', ticket(1, 3))).json()) as { ticket: unknown }).ticket).toMatchObject({
			eligibleDoses: [1],
			deceasedOn: '2024-12-31'
		});
		const list = ((await (await staff.request('/api/office/register/imports')).json()) as { imports: ImportSummary[] })
			.imports;
		expect(list.find((i) => i.id === p.id)).toMatchObject({ state: 'committed', insertedRows: 3 });

		// Each look-up is audited (who looked at which ticket, found or not).
		const views = await listAudit(server.ledger.db, { action: 'register.view', target: `131016/${ticket(1, 2)}` });
		expect(views.map((v) => [v.actor, v.detail])).toEqual([[staff.user.username, { found: true }]]);
		expect(
			await listAudit(server.ledger.db, { action: 'register.view', target: `131016/${ticket(1, 1)}` })
		).toHaveLength(1);
		const entry = (await listAudit(server.ledger.db, { action: 'register.import', target: p.id }))[0]!;
		expect(entry.detail).toMatchObject({ sha256: p.sha256, totalRows: 3, validRows: 3, insertedRows: 3 });
		expect(JSON.stringify(entry.detail)).not.toContain(ticket(1, 1));
		// A second commit of a committed import answers its result and changes nothing.
		expect(await committed(p.id)).toMatchObject({ state: 'committed', insertedRows: 3 });
	});

	it('reads UTF-8 with a BOM and says so', async () => {
		const bytes = new Uint8Array([
			0xef,
			0xbb,
			0xbf,
			...new TextEncoder().encode(csv([`${ticket(2, 1)},131130,1-2,,`]))
		]);
		const p = await preview(bytes);
		expect(p).toMatchObject({ encoding: 'utf-8-bom', validRows: 1, errorRows: 0 });
		expect(p.sample[0]).toMatchObject({ ticketNumber: ticket(2, 1), municipality: '131130', eligibleDoses: [1, 2] });
	});

	it('reads Shift_JIS and says so', async () => {
		const bytes = iconv.encode(
			csv([`${ticket(3, 1)},011002,１-４,,,初回`, `${ticket(3, 2)},011002,2,2025/3/9,,`], `${HEADER},備考`),
			'Shift_JIS'
		);
		expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
		const p = await preview(new Uint8Array(bytes));
		expect(p).toMatchObject({ encoding: 'shift_jis', validRows: 2, errorRows: 0, ignoredColumns: ['備考'] });
		expect(p.sample.map((s) => [s.eligibleDoses, s.movedOutOn])).toEqual([
			[[1, 2, 3, 4], null],
			[[2], '2025-03-09']
		]);
		expect(await committed(p.id)).toMatchObject({ insertedRows: 2 });
	});

	it('lists each bad line with its line, column and Japanese message; commits only when told to leave them out', async () => {
		const lines = [
			`${ticket(4, 1)},131016,1-3,,`, // 2: good
			`${ticket(4, 2).slice(1)},131016,1,,`, // 3: 9 digits
			`${ticket(4, 3)},131017,1,,`, // 4: check digit
			`${ticket(4, 4)},13101,1,,`, // 5: 5 digits
			`${ticket(4, 5)},131016,1-7,,`, // 6: dose 7
			`${ticket(4, 6)},131016,3-1,,`, // 7: reversed range
			`${ticket(4, 7)},131016,,,`, // 8: empty doses
			`${ticket(4, 8)},131016,1,2024-02-30,`, // 9: no such date
			`${ticket(4, 9)},131016,1,,2099-01-01`, // 10: future
			`${ticket(4, 1)},131016,2,,`, // 11: same ticket as line 2
			`${ticket(4, 10)},131016,1`, // 12: too few columns
			`${ticket(4, 11)},131016,2,2025/04/01,` // 13: good
		];
		const p = await preview(csv(lines));
		expect(p).toMatchObject({ totalRows: 12, validRows: 2, errorRows: 10 });
		expect(p.errors.map((e) => [e.line, e.column, e.code])).toEqual([
			[3, '券番号', 'TICKET_FORMAT'],
			[4, '市町村コード', 'MUNICIPALITY_CHECK_DIGIT'],
			[5, '市町村コード', 'MUNICIPALITY_FORMAT'],
			[6, '接種可能回数', 'DOSES_RANGE'],
			[7, '接種可能回数', 'DOSES_FORMAT'],
			[8, '接種可能回数', 'DOSES_FORMAT'],
			[9, '転出日', 'DATE_FORMAT'],
			[10, '死亡日', 'DATE_FUTURE'],
			[11, '券番号', 'DUPLICATE_TICKET'],
			[12, null, 'COLUMN_COUNT']
		]);
		expect(p.errors[0]!.message).toBe(
			'券番号は10桁の数字です（この値は9文字です）。先頭の0が表計算ソフトで消えていないか確認してください。'
		);
		expect(p.errors[1]!.message).toBe('市町村コードの検査数字（6桁目）が合いません。');
		expect(p.errors[3]!.message).toBe('接種可能回数は1〜6回の範囲です。');
		expect(p.errors[7]!.message).toBe('死亡日が未来の日付です。');
		expect(p.errors[8]!.message).toBe('この券番号は2行目にもあります（同じ市町村コード）。');

		const refused = await commit(p.id);
		expect(refused.status).toBe(409);
		expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('HAS_ERRORS');
		expect(await row('131016', ticket(4, 1))).toBeNull();

		expect(await committed(p.id, { skipInvalid: true })).toMatchObject({
			state: 'committed',
			committedRows: 2,
			insertedRows: 2,
			skippedInvalid: true
		});
		expect(await row('131016', ticket(4, 11))).not.toBeNull();
		expect(await row('131016', ticket(4, 10))).toBeNull();
	});

	it('refuses files that are not a register whole, each with its code', async () => {
		const cases: [string | Uint8Array, string][] = [
			[csv([`${ticket(5, 1)},131016,1,,`], '券番号,市町村,接種可能回数'), 'BAD_HEADER'],
			[HEADER + '\n', 'EMPTY_FILE'],
			[`${HEADER}\n"${ticket(5, 1)},131016,1,,\n`, 'CSV_MALFORMED'],
			[new Uint8Array([0xff, 0xfe, 0x38, 0x52]), 'ENCODING'],
			[new Uint8Array([0x82, 0xa0, 0xff, 0xff, 0x0a]), 'ENCODING']
		];
		const before = await count('register_imports');
		for (const [body, code] of cases) {
			const res = await upload(body);
			expect(res.status, code).toBe(400);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
		}
		expect(await count('register_imports')).toBe(before);
	});

	it('refuses a file with a My Number anywhere, whole, without echoing it or storing anything', async () => {
		const before = {
			imports: await count('register_imports'),
			staging: await count('register_staging'),
			tickets: await count('register_tickets'),
			audit: await count('audit_log')
		};
		const files = [
			csv([`${ticket(6, 1)},131016,1,,`, `${ticket(6, 2)},131016,1,,,メモ ${MY_NUMBER}`], `${HEADER},備考`), // in an ignored column, line 3
			csv([
				`${ticket(6, 1)},131016,1,,`,
				`${MY_NUMBER.slice(0, 4)}-${MY_NUMBER.slice(4, 8)}-${MY_NUMBER.slice(8)},131016,1,,`
			]), // written 4-4-4
			new Uint8Array(
				iconv.encode(csv([`${ticket(6, 1)},131016,1,,`, `${ticket(6, 2)},131016,1,,"${MY_NUMBER}`]), 'Shift_JIS')
			) // and not even CSV
		];
		for (const file of files) {
			const res = await upload(file);
			const text = await res.text();
			expect(res.status).toBe(400);
			expect(JSON.parse(text).error).toEqual({
				code: 'MY_NUMBER',
				message: expect.stringContaining('3行目に個人番号（マイナンバー）')
			});
			expect(text).not.toContain(MY_NUMBER);
			expect(text).not.toContain(MY_NUMBER.slice(4, 8));
		}
		expect((await upload(csv([`${ticket(6, 1)},131016,1,,`]), `台帳${MY_NUMBER}.csv`)).status).toBe(400);
		expect(await count('register_imports')).toBe(before.imports);
		expect(await count('register_staging')).toBe(before.staging);
		expect(await count('register_tickets')).toBe(before.tickets);
		// The refusals are audited by code and size only.
		const refusals = await listAudit(server.ledger.db, { action: 'register.refused' });
		expect(refusals.filter((r) => r.detail.code === 'MY_NUMBER')).toHaveLength(3);
		expect(await count('audit_log')).toBe(before.audit + 3);
		const everything = JSON.stringify(await server.ledger.db.query('SELECT * FROM audit_log')) + server.logs.join('\n');
		expect(everything).not.toContain(MY_NUMBER);
	});

	it('changes nothing when the same file comes again, and updates what a newer file changes', async () => {
		const rows = (movedOut: string) => [
			`${ticket(7, 1)},131016,1-3,,`,
			`${ticket(7, 2)},131016,1-3,${movedOut},`,
			`${ticket(7, 3)},131016,1-3,,`
		];
		const file = csv(rows(''));
		const first = await preview(file);
		await committed(first.id);
		const before = await row('131016', ticket(7, 2));

		const again = await preview(file);
		expect(again.sha256).toBe(first.sha256);
		expect(again.sameFileAs).toMatchObject({ id: first.id });
		expect(await committed(again.id)).toMatchObject({
			committedRows: 3,
			insertedRows: 0,
			updatedRows: 0,
			unchangedRows: 3
		});
		expect(await row('131016', ticket(7, 2))).toEqual(before);

		const newer = await preview(csv(rows('2025/10/01')));
		expect(newer.sameFileAs).toBeNull();
		expect(await committed(newer.id)).toMatchObject({ insertedRows: 0, updatedRows: 1, unchangedRows: 2 });
		const changed = await row('131016', ticket(7, 2));
		expect(changed!.import_id).toBe(newer.id);
		expect(changed!.updated_at.getTime()).toBeGreaterThanOrEqual(before!.updated_at.getTime());
		expect(
			((await (await lookup('131016', ticket(7, 2))).json()) as { ticket: { movedOutOn: string } }).ticket.movedOutOn
		).toBe('2025-10-01');
		expect((await row('131016', ticket(7, 1)))!.import_id).toBe(first.id);
	});

	it('resumes a commit cut short after some batches, and counts every row once', async () => {
		const n = REGISTER_BATCH * 2 + 17;
		const p = await preview(csv(Array.from({ length: n }, (_, i) => `${ticket(8, i)},131016,1-2,,`)));
		const store = new RegisterStore(server.ledger.db);
		const crash = new Error('the process died here');
		// The first batch commits, then the "process" dies before the next one.
		await expect(
			store.commit(p.id, { id: null, name: 'test' }, { skipInvalid: false }, () => {
				throw crash;
			})
		).rejects.toBe(crash);
		const half = (
			(await (await staff.request(`/api/office/register/imports/${p.id}`)).json()) as { import: ImportSummary }
		).import;
		expect(half).toMatchObject({ state: 'committing', committedRows: REGISTER_BATCH });
		expect(await committed(p.id)).toMatchObject({
			state: 'committed',
			committedRows: n,
			insertedRows: n,
			unchangedRows: 0
		});
		const staged = await server.ledger.db.query<{ n: number }>(
			'SELECT count(*)::int AS n FROM register_staging WHERE import_id = $1',
			[p.id]
		);
		expect(staged.rows[0]!.n).toBe(0);
	});

	it('applies each row once when two commits of one import run at the same time', async () => {
		const n = REGISTER_BATCH + 3;
		const p = await preview(csv(Array.from({ length: n }, (_, i) => `${ticket(12, i)},131016,1,,`)));
		const [a, b] = await Promise.all([commit(p.id), commit(p.id)]);
		expect([a.status, b.status]).toEqual([200, 200]);
		const results = (await Promise.all([a.json(), b.json()])) as { import: ImportSummary }[];
		for (const r of results)
			expect(r.import).toMatchObject({
				state: 'committed',
				committedRows: n,
				insertedRows: n,
				updatedRows: 0,
				unchangedRows: 0
			});
		expect(await listAudit(server.ledger.db, { action: 'register.import', target: p.id })).toHaveLength(1);
	});

	it('discards a preview; a discarded import cannot be committed', async () => {
		const p = await preview(csv([`${ticket(9, 1)},131016,1,,`]));
		expect(
			(await staff.request(`/api/office/register/imports/${p.id}/discard`, { method: 'POST', body: {} })).status
		).toBe(200);
		const res = await commit(p.id);
		expect(res.status).toBe(409);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IMPORT_DISCARDED');
		expect(await row('131016', ticket(9, 1))).toBeNull();
	});

	it('lets only the import roles upload and commit; needs a session and the CSRF token', async () => {
		const file = csv([`${ticket(10, 1)},131016,1,,`]);
		const anonymous = await fetch(`${server.url}/api/office/register/imports?name=a.csv`, {
			method: 'POST',
			body: file
		});
		expect(anonymous.status).toBe(401);
		const noCsrf = await staff.request('/api/office/register/imports?name=a.csv', {
			method: 'POST',
			body: file,
			headers: { 'x-csrf-token': '' }
		});
		expect(noCsrf.status).toBe(403);
		for (const role of ROLES) {
			const as = role === 'admin' ? admin : await admin.createUser(role);
			const res = await upload(file, 'a.csv', as);
			expect(res.status, role).toBe((CAN.importData as readonly string[]).includes(role) ? 201 : 403);
		}
	});

	it('takes a 100,000-row file (beyond the API-wide 1 MiB limit) and refuses one over 32 MiB', async () => {
		const n = 100_000;
		const file = csv(
			Array.from(
				{ length: n },
				(_, i) => `${ticket(11, i)},131041,${i % 3 === 0 ? '1-3' : '"1,2"'},${i % 50 === 0 ? '2025-06-01' : ''},`
			)
		);
		expect(file.length).toBeGreaterThan(1024 * 1024);
		const p = await preview(file);
		expect(p).toMatchObject({ totalRows: n, validRows: n, errorRows: 0 });
		expect(await committed(p.id)).toMatchObject({ state: 'committed', committedRows: n, insertedRows: n });
		const { rows } = await server.ledger.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM register_tickets WHERE import_id = $1`,
			[p.id]
		);
		expect(rows[0]!.n).toBe(n);

		const tooBig = await upload(new Uint8Array(32 * 1024 * 1024 + 1));
		expect(tooBig.status).toBe(413);
		expect(((await tooBig.json()) as { error: { code: string } }).error.code).toBe('FILE_TOO_LARGE');
		// Everything else keeps the 1 MiB limit.
		const other = await staff.request('/api/office/register/imports/x/commit', {
			method: 'POST',
			body: 'x'.repeat(1024 * 1024 + 1),
			headers: { 'content-type': 'application/json' }
		});
		expect(other.status).toBe(413);
	});
});
