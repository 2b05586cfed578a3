import { execFile } from 'node:child_process';
import { mkdtemp, open, rm, rmdir, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallFilesystem {
	/** Where it is mounted (use it as DATA_DIR). */
	dir: string;
	freeBytes(): Promise<number>;
	/** Writes a filler file until about `leaveBytes` remain free. */
	fillLeaving(leaveBytes: number): Promise<void>;
	/** Removes the filler: the space comes back. */
	freeUp(): Promise<void>;
	unmount(): Promise<void>;
}

/**
 * A tmpfs of `sizeMb` the test mounts itself (root needed; CI runs as root), so a server's
 * ledger can be given a disk that fills up without filling the machine's.
 */
export async function mountTmpfs(sizeMb: number): Promise<SmallFilesystem> {
	const dir = await mkdtemp(join(tmpdir(), 'vacc-tmpfs-'));
	await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
	const filler = join(dir, 'filler');
	const freeBytes = async () => {
		const s = await statfs(dir);
		return s.bavail * s.bsize;
	};
	return {
		dir,
		freeBytes,
		fillLeaving: async (leaveBytes) => {
			const fh = await open(filler, 'a');
			try {
				const chunk = Buffer.alloc(64 * 1024, 0xa5);
				for (let free = await freeBytes(); free > leaveBytes; free = await freeBytes()) {
					await fh.write(chunk, 0, Math.min(chunk.length, free - leaveBytes));
				}
			} finally {
				await fh.close();
			}
		},
		freeUp: () => rm(filler, { force: true }),
		unmount: async () => {
			await run('umount', [dir]);
			await rmdir(dir);
		}
	};
}
