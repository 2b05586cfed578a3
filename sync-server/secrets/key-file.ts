import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The key-encryption key: 32 random bytes in a file outside the ledger (SERVER_KEY_FILE). It seals
 * the server's secret keys and every TOTP secret in the ledger (sealer.ts), so a copy of the
 * database, a backup of it or the PGlite data directory alone reveals no secret. It is made on
 * the first start, readable by the server's user only, and must be backed up apart from the
 * database: without it the sealed secrets cannot be opened again.
 */
export const KEY_FILE_BYTES = 32;

/** The key file is missing something the server needs; the message says what to do. */
export class KeyFileError extends Error {}

export interface KeyFile {
	path: string;
	key: Uint8Array;
	/** Made by this call (the ledger had no key file yet). */
	created: boolean;
}

/** Reads the key file, or makes it when there is none. Refuses one others could read or change. */
export async function loadKeyFile(path: string): Promise<KeyFile> {
	try {
		return { path, key: await readKeyFile(path), created: false };
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
	}
	if (await createKeyFile(path)) return { path, key: await readKeyFile(path), created: true };
	// Another process (a second server on the same PostgreSQL, started at the same moment) made it first.
	return { path, key: await readKeyFile(path), created: false };
}

async function readKeyFile(path: string): Promise<Uint8Array> {
	const s = await stat(path);
	if (!s.isFile()) throw new KeyFileError(`SERVER_KEY_FILE ${path} is not a file`);
	if ((s.mode & 0o077) !== 0) {
		const mode = (s.mode & 0o777).toString(8).padStart(4, '0');
		throw new KeyFileError(
			`SERVER_KEY_FILE ${path} has mode ${mode}: its group or other users may read or change the key that opens the server's secrets. ` +
				`Make it readable by the server's user only (chmod 600 ${path}) and start again.`
		);
	}
	const key = new Uint8Array(await readFile(path));
	if (key.length !== KEY_FILE_BYTES) {
		throw new KeyFileError(
			`SERVER_KEY_FILE ${path} holds ${key.length} bytes, not ${KEY_FILE_BYTES}: it is not a server key file`
		);
	}
	return key;
}

/**
 * Writes a new key to a temporary file (0600) and links it into place: link() fails if the name
 * exists, so of several processes starting at once exactly one key wins and none ever reads a
 * half-written file. False when another process's key was there first.
 */
async function createKeyFile(path: string): Promise<boolean> {
	const dir = dirname(path);
	await mkdir(dir, { recursive: true, mode: 0o700 });
	const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
	const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
	try {
		await handle.writeFile(randomBytes(KEY_FILE_BYTES));
		await handle.chmod(0o600);
		await handle.sync();
	} finally {
		await handle.close();
	}
	try {
		await link(temporary, path);
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw e;
	} finally {
		await unlink(temporary);
	}
	// The new name must survive a crash right after the first start sealed secrets with it.
	const d = await open(dir, 'r');
	try {
		await d.sync();
	} finally {
		await d.close();
	}
	return true;
}
