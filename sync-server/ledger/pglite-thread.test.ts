import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerUnavailableError } from './errors';
import type { LedgerHealthReport } from './health';
import { openPgliteThread } from './pglite-thread';
import type { SqlDatabase } from './sql';

describe('PGlite in a supervised worker thread', () => {
	const cleanups: (() => Promise<unknown>)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	async function open(
		opts: { callTimeoutMs?: number; testHooks?: boolean; onHealthChange?: (h: LedgerHealthReport) => void } = {}
	): Promise<SqlDatabase> {
		const dir = await mkdtemp(join(tmpdir(), 'vacc-thread-'));
		cleanups.push(() => rm(dir, { recursive: true, force: true }));
		const db = await openPgliteThread(dir, { callTimeoutMs: 10_000, ...opts });
		cleanups.push(() => db.close());
		return db;
	}

	it('runs queries, commits and rolls back transactions, and keeps SQLSTATE codes', async () => {
		const db = await open();
		await db.exec('CREATE TABLE t (id int PRIMARY KEY, b bytea)');
		await db.transaction(async (tx) => {
			await tx.query('INSERT INTO t VALUES ($1, $2)', [1, Uint8Array.of(1, 2, 3)]);
		});
		await expect(
			db.transaction(async (tx) => {
				await tx.query('INSERT INTO t VALUES ($1, $2)', [2, Uint8Array.of(9)]);
				throw new Error('changed my mind');
			})
		).rejects.toThrow('changed my mind');
		const { rows } = await db.query<{ id: number; b: Uint8Array }>('SELECT id, b FROM t ORDER BY id');
		expect(rows).toEqual([{ id: 1, b: Uint8Array.of(1, 2, 3) }]);
		const duplicate = await db.query('INSERT INTO t VALUES (1, NULL)').catch((e: unknown) => e);
		expect((duplicate as { code?: string }).code).toBe('23505');
	});

	it('delivers notices after commit', async () => {
		const db = await open();
		const heard: string[] = [];
		const unlisten = await db.listen!('chan', (p) => heard.push(p));
		await db.transaction(async (tx) => {
			await tx.query("SELECT pg_notify('chan', 'hello')");
		});
		await expect.poll(() => heard).toEqual(['hello']);
		await unlisten();
	});

	it('a stuck thread is declared unhealthy, its calls fail as retryable, and it is reopened in the same process', async () => {
		const changes: LedgerHealthReport[] = [];
		const db = await open({ callTimeoutMs: 500, testHooks: true, onHealthChange: (h) => changes.push(h) });
		await db.exec('CREATE TABLE t (id int)');
		await db.query('INSERT INTO t VALUES (1)');
		const heard: string[] = [];
		await db.listen!('chan', (p) => heard.push(p));
		db.blockForTest!();
		const during = await db.query('SELECT 1').catch((e: unknown) => e);
		expect(during).toBeInstanceOf(LedgerUnavailableError);
		await expect.poll(() => changes.map((c) => c.ok), { timeout: 60_000 }).toEqual([false, true]);
		expect(changes[0]).toMatchObject({
			ok: false,
			reason: expect.stringContaining('did not answer for longer than 500 ms')
		});
		// Reopened on the same data directory: what was committed is there, and notices still arrive.
		expect((await db.query<{ id: number }>('SELECT id FROM t')).rows).toEqual([{ id: 1 }]);
		await db.query("SELECT pg_notify('chan', 'again')");
		await expect.poll(() => heard).toEqual(['again']);
		expect(db.health!()).toEqual({ ok: true });
	});

	it('a call waiting behind a long transaction whose statements are each quick is not declared stuck', async () => {
		const changes: LedgerHealthReport[] = [];
		const db = await open({ callTimeoutMs: 500, onHealthChange: (h) => changes.push(h) });
		let outside: Promise<unknown> | null = null;
		await db.transaction(async (tx) => {
			// Queued behind this transaction (PGlite serialises them) for longer than the bound.
			outside = db.query('SELECT 2 AS two');
			for (let i = 0; i < 10; i++) await tx.query('SELECT pg_sleep(0.1)');
		});
		expect(await outside).toEqual({ rows: [{ two: 2 }] });
		expect(changes).toEqual([]);
	});

	it('refuses the test hook unless it was turned on', async () => {
		const db = await open();
		expect(() => db.blockForTest!()).toThrow(/LEDGER_TEST_HOOKS/);
	});
});
