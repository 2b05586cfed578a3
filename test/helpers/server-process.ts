import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { removeTestKeyFile, testKeyFile } from './key-file';
import { OfficeClient, setUpTestAdmin } from './office-client';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
	url: string;
	/** The first-run token, when the server was started without setting up the test admin. */
	setupToken: string | null;
	dataDir: string;
	/** Its SERVER_KEY_FILE (test/helpers/key-file.ts): shared by every server and CLI on the same ledger. */
	keyFile: string;
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
export async function startServerProcess(
	env: Record<string, string> = {},
	dataDir?: string,
	options: { setUpAdmin?: boolean } = {}
): Promise<ServerProcess> {
	const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'vacc-e2e-')));
	const keyFile = testKeyFile(env, dir);
	if (!dataDir) await fromLedgerTemplate(env, dir, keyFile);
	// One process (tsx as a loader, not its CLI wrapper), so kill -9 kills the server itself.
	const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sync-server/cli/start.ts'), '--no-build'], {
		cwd: ROOT,
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dir,
			LOG_LEVEL: 'warn',
			...env,
			SERVER_KEY_FILE: keyFile
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stderr = '';
	child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
	const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
	const lines = createInterface({ input: child.stdout! });
	const setupToken = new Promise<string>((ok) =>
		lines.on('line', (line) => {
			const m = /\/office\/setup#(\S+)/.exec(line);
			if (m) ok(m[1]!);
		})
	);
	const url = await new Promise<string>((ok, fail) => {
		lines.on('line', (line) => {
			const m = /listening on (http:\/\/\S+)/.exec(line);
			if (m) ok(m[1]!);
		});
		void exited.then((code) => fail(new Error(`server exited with ${code} before listening:\n${stderr}`)));
	});
	// A new data directory: the first-run token (printed right after the URL) creates the test administrator.
	const setup = (await (await fetch(`${url}/api/office/auth/setup`)).json()) as { needed: boolean };
	const firstRunToken = setup.needed ? await setupToken : null;
	if (firstRunToken && options.setUpAdmin !== false) await setUpTestAdmin(url, firstRunToken);
	const stop = async () => {
		if (child.exitCode !== null) return;
		child.kill('SIGTERM');
		await exited;
	};
	return {
		url,
		setupToken: options.setUpAdmin === false ? firstRunToken : null,
		dataDir: dir,
		keyFile,
		child,
		stop,
		kill: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGKILL');
			await exited;
		},
		cleanup: async () => {
			await stop();
			if (!dataDir) {
				await rm(dir, { recursive: true, force: true });
				if (!env.DATABASE_URL && !env.SERVER_KEY_FILE) await removeTestKeyFile(keyFile);
			}
		}
	};
}

/** Where makeLedgerTemplate's ledger is, for the server processes of this test run. */
const TEMPLATE_ENV = 'VACC_TEST_LEDGER_TEMPLATE';
/** Settings that shape what a first start writes into a new ledger: such a server starts from nothing. */
const FIRST_START_ENV = ['DATA_DIR', 'DATABASE_URL', 'SERVER_KEY_FILE', 'MUNICIPALITY', 'MUNICIPALITY_NAME'];

/**
 * A PGlite ledger as a first start leaves it (initialised, migrated, server keys made and sealed,
 * no account yet), made once per test run and copied, with its key file, into each new server's
 * data directory: the first start costs about 6 s of the 9 a server takes to listen, which every
 * e2e test paid. Each copy is a ledger of its own; only the server keys are the same. Returns
 * the teardown.
 */
export async function useLedgerTemplate(): Promise<() => Promise<void>> {
	const dir = await mkdtemp(join(tmpdir(), 'vacc-template-'));
	const first = await startServerProcess({}, dir, { setUpAdmin: false });
	await first.stop();
	process.env[TEMPLATE_ENV] = dir;
	return async () => {
		delete process.env[TEMPLATE_ENV];
		await rm(dir, { recursive: true, force: true });
		await removeTestKeyFile(testKeyFile({}, dir));
	};
}

/** Fills a new data directory from the run's ledger template, when there is one and env allows it. */
async function fromLedgerTemplate(env: Record<string, string>, dir: string, keyFile: string): Promise<void> {
	const template = process.env[TEMPLATE_ENV];
	if (!template || FIRST_START_ENV.some((k) => k in env)) return;
	await cp(template, dir, { recursive: true });
	// The key file's checks want a 0600 file in a 0700 directory: copyFile keeps the file's mode.
	await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
	await copyFile(testKeyFile({}, template), keyFile);
}

/** Issues a one-time enrolment code as the test administrator. */
export async function issueEnrolmentCode(
	url: string,
	body: Record<string, unknown> = { setting: 'mass', siteCode: 'V001', label: '会場1 受付A' },
	admin?: OfficeClient
): Promise<string> {
	const office = admin ?? (await OfficeClient.login(url));
	const res = await office.request('/api/admin/enrolments', { method: 'POST', body });
	if (res.status !== 201) throw new Error(`enrolment failed: ${res.status} ${await res.text()}`);
	return ((await res.json()) as { code: string }).code;
}
