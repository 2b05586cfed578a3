import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskGuard, freeBytes } from './disk-guard';
import { isDiskFull, isRetryableLedgerError, LedgerUnavailableError } from './errors';
import { checkReadiness } from './health';
import type { SqlDatabase } from './sql';
import { TroubleLog } from './trouble-log';

function recordingLog() {
	const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
	const at = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
		void lines.push({ level, msg, fields });
	return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('TroubleLog', () => {
	it('says a lasting trouble once, then at most once a minute with how often it recurred, and its end once', () => {
		let t = 0;
		const { lines, log } = recordingLog();
		const trouble = new TroubleLog(log, 60_000, () => t);
		for (let i = 0; i <= 600; i++, t += 100) trouble.note('disk full');
		// A note every 100 ms for a minute: the first line, and one when the minute is up.
		expect(lines.map((l) => l.msg)).toEqual(['disk full', 'disk full']);
		expect(lines[1]!.fields).toMatchObject({ repeatedSinceLastLine: 599 });
		trouble.over('disk full', 'room again');
		trouble.over('disk full', 'room again');
		expect(lines.map((l) => l.msg)).toEqual(['disk full', 'disk full', 'room again']);
	});
});

describe('ledger errors that will pass', () => {
	it('tells a full disk, a stuck or restarting database from a fault of the statement', () => {
		expect(isDiskFull(Object.assign(new Error('could not extend file'), { code: '53100' }))).toBe(true);
		expect(isDiskFull(new Error('could not write to file "pg_wal/xlogtemp.1": No space left on device'))).toBe(true);
		for (const e of [
			new LedgerUnavailableError('stuck'),
			Object.assign(new Error('terminating connection'), { code: '57P01' }),
			Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
			new Error('Connection terminated unexpectedly')
		]) {
			expect(isRetryableLedgerError(e)).toBe(true);
		}
		for (const e of [
			Object.assign(new Error('duplicate key'), { code: '23505' }),
			Object.assign(new Error('syntax'), { code: '42601' }),
			new Error('boom')
		]) {
			expect(isRetryableLedgerError(e)).toBe(false);
		}
	});
});

describe('DiskGuard', () => {
	const dirs: string[] = [];
	afterEach(async () => {
		for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
	});

	it('refuses below the threshold and takes updates again above it, by itself', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'vacc-guard-'));
		dirs.push(dir);
		const free = await freeBytes(dir);
		const { lines, log } = recordingLog();
		const low = new DiskGuard({ dataDir: dir, thresholdBytes: free * 2, trouble: new TroubleLog(log) });
		await low.check();
		expect(low.refusal()).toMatch(/below/);
		expect(low.report()).toMatchObject({ ok: false, thresholdBytes: free * 2 });
		expect(lines.map((l) => l.level)).toEqual(['error']);
		const ok = new DiskGuard({ dataDir: dir, thresholdBytes: 0, trouble: new TroubleLog(log) });
		await ok.check();
		expect(ok.refusal()).toBeNull();
		expect(ok.report().ok).toBe(true);
	});

	it('on PostgreSQL (no disk to read), a disk_full error latches the refusal for a while, then lets one commit try', () => {
		let t = 0;
		const { log } = recordingLog();
		const guard = new DiskGuard({
			dataDir: null,
			thresholdBytes: 1,
			fullBackoffMs: 5000,
			trouble: new TroubleLog(log),
			now: () => t
		});
		expect(guard.refusal()).toBeNull();
		guard.noteFailure(Object.assign(new Error('could not extend file'), { code: '53100' }));
		expect(guard.refusal()).toMatch(/full disk/);
		t = 5000;
		expect(guard.refusal()).toBeNull();
		// A stuck or restarting database is said, not latched as a full disk.
		guard.noteFailure(new LedgerUnavailableError('stuck'));
		expect(guard.refusal()).toBeNull();
	});
});

describe('readiness', () => {
	const disk = (ok: boolean) =>
		({
			report: () => ({ ok, freeBytes: 1, thresholdBytes: 2, ...(ok ? {} : { reason: 'low' }) })
		}) as unknown as DiskGuard;
	const db = (query: () => Promise<unknown>, health?: SqlDatabase['health']) =>
		({ backend: 'postgres', query, health }) as unknown as SqlDatabase;

	it('is ready only when the ledger answers in time, the disk has room and the notices are connected, and says what is wrong', async () => {
		const answering = db(async () => ({ rows: [] }));
		expect(
			await checkReadiness({ db: answering, disk: disk(true), notices: { connected: true }, probeTimeoutMs: 1000 })
		).toMatchObject({ ready: true, ledger: { ok: true }, notices: { ok: true } });
		expect(
			await checkReadiness({ db: answering, disk: disk(false), notices: null, probeTimeoutMs: 1000 })
		).toMatchObject({ ready: false, disk: { ok: false, reason: 'low' } });
		expect(
			await checkReadiness({ db: answering, disk: disk(true), notices: { connected: false }, probeTimeoutMs: 1000 })
		).toMatchObject({ ready: false, notices: { ok: false } });
		const silent = db(() => new Promise(() => undefined));
		expect(await checkReadiness({ db: silent, disk: disk(true), notices: null, probeTimeoutMs: 50 })).toMatchObject({
			ready: false,
			ledger: { ok: false, reason: expect.stringContaining('within 50 ms') }
		});
		const stuck = db(
			async () => ({ rows: [] }),
			() => ({ ok: false, reason: 'a ledger call took longer than 30000 ms', since: '2026-12-05T00:00:00.000Z' })
		);
		expect(await checkReadiness({ db: stuck, disk: disk(true), notices: null, probeTimeoutMs: 1000 })).toMatchObject({
			ready: false,
			ledger: { ok: false, since: '2026-12-05T00:00:00.000Z' }
		});
	});
});
