import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { freePort } from './free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
	url: string;
	/** Stops it the way a crash would (pg_ctl -m immediate) and starts it again on its data. */
	restart(): Promise<void>;
	cleanup(): Promise<void>;
}

/**
 * A PostgreSQL cluster of this test's own (initdb into a temporary directory, on a free port),
 * for tests that restart the database: the machine's shared server must never be restarted
 * under other tests. initdb refuses to run as root, so as root it runs as the postgres user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
	const dir = await mkdtemp(join(tmpdir(), 'vacc-pg-'));
	const asRoot = process.getuid?.() === 0;
	const pgUser = async (cmd: string, args: string[]) => {
		const [file, argv] = asRoot
			? ['runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args]]
			: [join(BIN, cmd), args];
		await run(file, argv, { timeout: 60_000 });
	};
	if (asRoot) {
		const { stdout } = await run('id', ['-u', 'postgres']);
		const { stdout: gid } = await run('id', ['-g', 'postgres']);
		await chown(dir, Number(stdout.trim()), Number(gid.trim()));
	}
	const data = join(dir, 'data');
	const port = await freePort();
	await pgUser('initdb', [
		'-D',
		data,
		'-U',
		'postgres',
		'--auth=trust',
		'-E',
		'UTF8',
		'--no-sync',
		'--no-instructions'
	]);
	// fsync off: an immediate stop kills the server's processes, not the machine, so what
	// PostgreSQL wrote before acknowledging a commit is still in the page cache afterwards.
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
	const ctl = (...args: string[]) => pgUser('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', ...args]);
	await ctl('start', '-o', options);
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		restart: async () => {
			await ctl('stop', '-m', 'immediate');
			await ctl('start', '-o', options);
		},
		cleanup: async () => {
			await ctl('stop', '-m', 'immediate').catch(() => undefined);
			await rm(dir, { recursive: true, force: true });
		}
	};
}
