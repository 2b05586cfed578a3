import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import type { SqlExecutor } from '../../sync-server/ledger/sql';
import { forgeKeyChange } from '../helpers/forge-server-keys';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { issueEnrolmentCode, ROOT } from '../helpers/server-process';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, typeTicket, unlockStation } from './station-steps';

// PostgreSQL: the CLI rotates the keys while the server runs, as an operator would.
let db: TestDatabase;
const server = useServer(async () => {
	db = await createTestDatabase();
	return { DATABASE_URL: db.url };
});
test.afterEach(async () => {
	await db.drop();
});

async function withLedger<T>(fn: (exec: SqlExecutor) => Promise<T>): Promise<T> {
	const c = new pg.Client({ connectionString: db.url });
	await c.connect();
	try {
		return await fn({
			query: async <R>(text: string, params?: unknown[]) => ({ rows: (await c.query(text, params)).rows as R[] }),
			exec: async (script: string) => void (await c.query(script))
		});
	} finally {
		await c.end();
	}
}

const pinnedGeneration = () =>
	withLedger(async (x) =>
		(await x.query<{ g: number }>('SELECT server_key_generation AS g FROM devices')).rows.map((r) => r.g)
	);

/** Records a dose, the ticket typed twice by hand (a busy machine can make a scanner's burst look typed). */
async function record(page: Page, ticket: string): Promise<void> {
	await typeTicket(page, ticket);
	await typeTicket(page, ticket);
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByText('記録しました')).toBeVisible();
}

test('a station keeps syncing across a server key rotation made by the CLI, and pins the new keys', async ({
	page,
	context
}) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await record(page, '111310160000012345');
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);

	// Offline while the operator rotates the keys; the station records on.
	await context.setOffline(true);
	await record(page, '111310160000012346');
	await expect(page.locator('.records li[data-state="local"]')).toHaveCount(1);
	const cli = await promisify(execFile)(
		process.execPath,
		['--import', 'tsx', join(ROOT, 'sync-server/cli/admin.ts'), 'rotate-server-keys'],
		{
			cwd: ROOT,
			env: { ...process.env, DATABASE_URL: db.url, SERVER_KEY_FILE: server.keyFile }
		}
	);
	expect(cli.stdout).toContain('server keys rotated: generation 2');

	// Back online: the server proves itself with the keys the station holds, offers generation 2;
	// the station checks the certificate, stores the keys, acknowledges, and uploads.
	await context.setOffline(false);
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(2);
	await expect.poll(pinnedGeneration).toEqual([2]);
	await expect(page.getByTestId('server-key-refused')).toHaveCount(0);

	// A fresh start of the app (reload, unlock): the new keys were stored, and the server now
	// speaks only generation 2 to this station (no device uses generation 1 any more).
	await page.reload();
	await unlockStation(page);
	await expect(page.getByTestId('sync-indicator')).toContainText('オンライン');
	await record(page, '111310160000012347');
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(3);
	const generations = await withLedger(
		async (x) =>
			(
				await x.query<{ generation: number; kept: boolean }>(
					'SELECT generation, secrets_sealed IS NOT NULL AS kept FROM server_key_generations ORDER BY generation'
				)
			).rows
	);
	expect(generations).toEqual([
		{ generation: 1, kept: false },
		{ generation: 2, kept: true }
	]);
});

test('a station refuses a key change not signed by the key it pinned, keeps its records and says so', async ({
	page,
	context
}) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await record(page, '111310160000012345');
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);

	await context.setOffline(true);
	await record(page, '111310160000012346');
	// Someone with the database and the key file, but not the server's signing key, swaps in keys of their own.
	await withLedger((x) => forgeKeyChange(x, server.keyFile));
	await context.setOffline(false);

	await expect(page.getByTestId('server-key-refused')).toContainText('受け入れず同期を停止しました');
	await expect(page.getByTestId('sync-indicator')).toContainText('同期停止');
	// Nothing went over that connection: the dose is still on the tablet only, and the ledger
	// still has the station on the keys it pinned.
	await expect(page.locator('.records li[data-state="local"]')).toHaveCount(1);
	expect(
		await withLedger(
			async (x) => (await x.query<{ n: number }>('SELECT count(*)::int AS n FROM dose_events')).rows[0]!.n
		)
	).toBe(1);
	expect(await pinnedGeneration()).toEqual([1]);
});
