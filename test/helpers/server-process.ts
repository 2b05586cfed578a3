import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface ServerProcess {
	url: string;
	dataDir: string;
	child: ChildProcess;
	/** Graceful stop (SIGTERM): the ledger is closed cleanly. */
	stop(): Promise<void>;
	/** kill -9. */
	kill(): Promise<void>;
	cleanup(): Promise<void>;
}

/**
 * Starts the real server (`npm start` without the build step) as its own process on a free
 * port, and resolves when it prints the URL it listens on.
 */
export async function startServerProcess(env: Record<string, string> = {}, dataDir?: string): Promise<ServerProcess> {
	const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'vacc-e2e-')));
	// One process (tsx as a loader, not its CLI wrapper), so kill -9 kills the server itself.
	const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sync-server/cli/start.ts'), '--no-build'], {
		cwd: ROOT,
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'warn', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stderr = '';
	child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
	const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
	const url = await new Promise<string>((ok, fail) => {
		const lines = createInterface({ input: child.stdout! });
		lines.on('line', (line) => {
			const m = /listening on (http:\/\/\S+)/.exec(line);
			if (m) ok(m[1]!);
		});
		void exited.then((code) => fail(new Error(`server exited with ${code} before listening:\n${stderr}`)));
	});
	const stop = async () => {
		if (child.exitCode !== null) return;
		child.kill('SIGTERM');
		await exited;
	};
	return {
		url,
		dataDir: dir,
		child,
		stop,
		kill: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGKILL');
			await exited;
		},
		cleanup: async () => {
			await stop();
			if (!dataDir) await rm(dir, { recursive: true, force: true });
		}
	};
}

export async function issueEnrolmentCode(url: string, body: Record<string, unknown> = { setting: 'mass', siteCode: 'V001', label: '会場1 受付A' }): Promise<string> {
	const res = await fetch(`${url}/api/admin/enrolments`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	if (res.status !== 201) throw new Error(`enrolment failed: ${res.status} ${await res.text()}`);
	return ((await res.json()) as { code: string }).code;
}
