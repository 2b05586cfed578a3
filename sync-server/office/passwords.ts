import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { containsMyNumber } from '#shared/index';

/**
 * Password hashing with scrypt (memory-hard, in Node's own crypto: no native addon to build).
 * N = 2^15, r = 8 needs 32 MiB per hash, which makes guessing on GPUs expensive while a login
 * stays near 100 ms. The stored string names its parameters so they can be raised later
 * without invalidating existing hashes.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
	const options: ScryptOptions = { ...o, maxmem: 128 * o.N * o.r * 2 };
	return new Promise((resolve, reject) =>
		scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (e, key) => (e ? reject(e) : resolve(key)))
	);
}

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, PARAMS);
	return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, salt, key] = stored.split('$');
	if (scheme !== 'scrypt' || !salt || !key) return false;
	const expected = Buffer.from(key, 'base64');
	const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
	return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export type PasswordProblem = 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG' | 'PASSWORD_MY_NUMBER';

/** Passphrases of at least 12 characters (NIST SP 800-63B: length over composition rules). */
export function passwordProblem(password: string): PasswordProblem | null {
	if ([...password].length < 12) return 'PASSWORD_TOO_SHORT';
	if (password.length > 256) return 'PASSWORD_TOO_LONG';
	if (containsMyNumber(password)) return 'PASSWORD_MY_NUMBER';
	return null;
}
