import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_FILE_BYTES, KeyFileError, loadKeyFile } from './key-file';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'vacc-keyfile-'));
});
afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe('the server key file', () => {
	it('is made on first use: 32 random bytes, mode 0600, in a directory of mode 0700; then read back as it is', async () => {
		const path = join(dir, 'secrets', 'server.key');
		const made = await loadKeyFile(path);
		expect(made.created).toBe(true);
		expect(made.key).toHaveLength(KEY_FILE_BYTES);
		expect((await stat(path)).mode & 0o777).toBe(0o600);
		expect((await stat(join(dir, 'secrets'))).mode & 0o777).toBe(0o700);
		expect(new Uint8Array(await readFile(path))).toEqual(made.key);
		const again = await loadKeyFile(path);
		expect(again).toEqual({ path, key: made.key, created: false });
		// No temporary file is left beside it.
		expect(await readdir(join(dir, 'secrets'))).toEqual(['server.key']);
	});

	it('of several processes starting at once, exactly one makes it and all read the same key', async () => {
		const path = join(dir, 'k', 'server.key');
		const all = await Promise.all(Array.from({ length: 8 }, () => loadKeyFile(path)));
		expect(all.filter((k) => k.created)).toHaveLength(1);
		for (const k of all) expect(k.key).toEqual(all[0]!.key);
	});

	it('is refused when its group or other users may read or write it, naming the fix', async () => {
		const path = join(dir, 'server.key');
		await loadKeyFile(path);
		for (const mode of [0o640, 0o604, 0o660, 0o644, 0o602]) {
			await chmod(path, mode);
			const error = await loadKeyFile(path).catch((e: unknown) => e);
			expect(error, mode.toString(8)).toBeInstanceOf(KeyFileError);
			expect(String(error)).toContain(`has mode 0${mode.toString(8)}`);
			expect(String(error)).toContain(`chmod 600 ${path}`);
		}
		await chmod(path, 0o400);
		expect((await loadKeyFile(path)).key).toHaveLength(32);
	});

	it('is refused when it is not 32 bytes or not a file', async () => {
		const path = join(dir, 'server.key');
		await writeFile(path, 'not a key\n', { mode: 0o600 });
		await expect(loadKeyFile(path)).rejects.toThrow(/holds 10 bytes, not 32: it is not a server key file/);
		await expect(loadKeyFile(dir)).rejects.toThrow(/is not a file/);
	});
});
