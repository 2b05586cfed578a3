import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../sync-server/register/store';
import { REGISTER_BATCH } from '../../sync-server/register/store';
import { registerCsv } from '../bench/register';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS, createTestDatabase, type Backend } from '../helpers/postgres';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

describe.each(BACKENDS)('kill -9 of the server during a register commit (%s)', (backend: Backend) => {
	const cleanups: (() => Promise<void>)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	it(
		'keeps the batches committed before the kill, and a second commit completes the import, each row counted once',
		{ timeout: 240_000 },
		async () => {
			const dataDir = await mkdtemp(join(tmpdir(), 'vacc-register-crash-'));
			cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
			const db = backend === 'postgres' ? await createTestDatabase() : null;
			if (db) cleanups.push(db.drop);
			const env: Record<string, string> = db ? { DATABASE_URL: db.url } : {};
			let server: ServerProcess = await startServerProcess(env, dataDir);
			cleanups.push(() => server.kill());

			const n = 100_000;
			let office = await OfficeClient.login(server.url);
			const uploaded = await office.request('/api/office/register/imports?name=crash.csv', {
				method: 'POST',
				body: registerCsv(n),
				headers: { 'content-type': 'text/csv' }
			});
			expect(uploaded.status).toBe(201);
			const id = ((await uploaded.json()) as { import: ImportSummary }).import.id;
			const status = async (c: OfficeClient) =>
				((await (await c.request(`/api/office/register/imports/${id}`)).json()) as { import: ImportSummary }).import;

			// Start the commit, and kill the server as soon as its first batches are in.
			const first = office
				.request(`/api/office/register/imports/${id}/commit`, { method: 'POST', body: {} })
				.catch(() => null);
			let seen = await status(office);
			while (seen.committedRows === 0 && seen.state !== 'committed') seen = await status(office);
			expect(seen.state).toBe('committing');
			await server.kill();
			await first;

			server = await startServerProcess(env, dataDir);
			office = await OfficeClient.login(server.url);
			const after = await status(office);
			expect(after.state).toBe('committing');
			expect(after.committedRows).toBeGreaterThanOrEqual(seen.committedRows);
			expect(after.committedRows).toBeLessThan(n);
			expect(after.committedRows % REGISTER_BATCH).toBe(0);
			expect(after.insertedRows).toBe(after.committedRows);

			const done = await office.json<{ import: ImportSummary }>(
				'POST',
				`/api/office/register/imports/${id}/commit`,
				{}
			);
			expect(done.import).toMatchObject({
				state: 'committed',
				committedRows: n,
				insertedRows: n,
				updatedRows: 0,
				unchangedRows: 0
			});
			for (const t of [0, n - 1]) {
				const res = await office.request(`/api/office/register/tickets/131041/${String(t).padStart(10, '0')}`);
				expect(res.status).toBe(200);
			}
		}
	);
});
