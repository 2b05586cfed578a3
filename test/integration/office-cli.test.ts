import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../sync-server/ledger/open';
import { removeTestKeyFile, testKeyFile } from '../helpers/key-file';
import { OfficeClient } from '../helpers/office-client';
import { ROOT, startServerProcess } from '../helpers/server-process';

const run = promisify(execFile);

/**
 * Runs one of the npm CLIs (`admin`, `ledger`) on a data directory, with the key file the test
 * servers on that ledger use; resolves with its exit code and output.
 */
async function cli(
	script: 'admin' | 'ledger',
	args: string[],
	env: Record<string, string>
): Promise<{ code: number; out: string }> {
	try {
		const r = await run(process.execPath, ['--import', 'tsx', join(ROOT, `sync-server/cli/${script}.ts`), ...args], {
			cwd: ROOT,
			env: { ...process.env, SERVER_KEY_FILE: testKeyFile(env, env.DATA_DIR ?? ''), ...env }
		});
		return { code: 0, out: r.stdout + r.stderr };
	} catch (e) {
		const err = e as { code: number; stdout: string; stderr: string };
		return { code: err.code, out: err.stdout + err.stderr };
	}
}

let dataDir: string;
beforeEach(async () => {
	dataDir = await mkdtemp(join(tmpdir(), 'vacc-cli-'));
});
afterEach(async () => {
	await rm(dataDir, { recursive: true, force: true });
	await removeTestKeyFile(testKeyFile({}, dataDir));
});

describe('npm run admin and npm run ledger -- verify-audit', () => {
	it('creates the first admin from the command line (password from ADMIN_PASSWORD), who can then sign in', async () => {
		const env = { DATA_DIR: dataDir, ADMIN_PASSWORD: 'cli-admin-password-01' };
		expect(
			await cli('admin', ['create', '--username', 'chief', '--role', 'admin', '--display-name', '保健太郎'], env)
		).toMatchObject({ code: 0, out: expect.stringContaining('created admin chief') });
		expect((await cli('admin', ['create', '--username', 'chief', '--role', 'admin'], env)).code).toBe(1);
		expect(await cli('admin', ['create', '--username', 'x', '--role', 'root'], env)).toMatchObject({ code: 2 });
		expect(
			await cli('admin', ['create', '--username', 'short-pw', '--role', 'staff'], { ...env, ADMIN_PASSWORD: 'short' })
		).toMatchObject({ code: 2, out: expect.stringContaining('PASSWORD_TOO_SHORT') });

		const server = await startServerProcess({}, dataDir);
		try {
			// An account exists, so no first-run token is offered.
			expect(await (await fetch(`${server.url}/api/office/auth/setup`)).json()).toEqual({ needed: false });
			const chief = await OfficeClient.login(server.url, { username: 'chief', password: 'cli-admin-password-01' });
			expect(chief.user.role).toBe('admin');
		} finally {
			await server.stop();
		}
	});

	it('reports an intact chain, then the first edited entry after tampering', async () => {
		const server = await startServerProcess({}, dataDir);
		const admin = await OfficeClient.login(server.url);
		await admin.createUser('staff');
		await admin.createUser('supervisor');
		await server.stop();

		const env = { DATA_DIR: dataDir };
		const intact = await cli('ledger', ['verify-audit'], env);
		expect(intact).toMatchObject({ code: 0, out: expect.stringMatching(/audit chain intact: \d+ entries/) });

		// Someone with database access edits a row (bypassing the append-only trigger, as a superuser could).
		const db = await openDatabase({ dataDir });
		await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
		await db.query(`UPDATE audit_log SET detail = '{"role":"admin","username":"staff-x"}' WHERE seq = 3`);
		await db.close();

		const broken = await cli('ledger', ['verify-audit'], env);
		expect(broken).toMatchObject({
			code: 1,
			out: expect.stringContaining('audit chain BROKEN at entry 3 (hash); the 2 entries before it are intact')
		});
	});

	it("ledger stats shows the ledger's size, the free space of its filesystem and the reserve", async () => {
		const server = await startServerProcess({}, dataDir);
		await server.stop();
		const r = await cli('ledger', ['stats'], { DATA_DIR: dataDir, DISK_FREE_MIN_MB: '300' });
		expect(r.code).toBe(0);
		expect(r.out).toMatch(/^devices 0$/m);
		expect(r.out).toMatch(/^database_size \d+ bytes \(\d+\.\d MB\)$/m);
		// An empty PGlite ledger: tens of MB on disk, the 16 MB WAL segment among them.
		const onDisk = Number(/^data_dir_size (\d+) bytes/m.exec(r.out)?.[1]);
		expect(onDisk).toBeGreaterThan(16 * 1024 * 1024);
		expect(r.out).toMatch(/^disk_free \d+ bytes/m);
		expect(r.out).toMatch(/^disk_free_min 314572800 bytes \(300\.0 MB\)$/m);
	});

	it("opens the ledger with the server key file: another ledger's file is refused, a rotation and its listing work", async () => {
		const server = await startServerProcess({}, dataDir);
		await server.stop();
		const env = { DATA_DIR: dataDir };
		const otherKey = join(dataDir + '-other-key', 'server.key');
		await mkdir(dirname(otherKey), { mode: 0o700 });
		await writeFile(otherKey, randomBytes(32), { mode: 0o600 });
		try {
			const refused = await cli('ledger', ['stats'], { ...env, SERVER_KEY_FILE: otherKey });
			expect(refused).toMatchObject({
				code: 1,
				out: expect.stringContaining(
					`SERVER_KEY_FILE ${otherKey} does not open this ledger's server keys (generation 1)`
				)
			});
		} finally {
			await rm(dirname(otherKey), { recursive: true, force: true });
		}
		expect(await cli('admin', ['rotate-server-keys', 'now'], env)).toMatchObject({
			code: 2,
			out: expect.stringContaining('rotate-server-keys')
		});
		expect(await cli('admin', ['rotate-server-keys'], env)).toMatchObject({
			code: 0,
			out: expect.stringContaining('server keys rotated: generation 2')
		});
		const listed = await cli('admin', ['server-keys'], env);
		expect(listed.code).toBe(0);
		expect(listed.out).toMatch(
			/generation 1\t.*\tretired .*\tsecrets destroyed\t0 devices\ngeneration 2\t.*\tcurrent\tsecrets kept\t0 devices/
		);
	});
});
