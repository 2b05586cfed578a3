import { randomBytes } from 'node:crypto';
import { access, chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '#shared/ids';
import { generateKeyPairs } from '#shared/protocol/keys';
import { migrate } from '../../sync-server/ledger/migrate';
import { openDatabase } from '../../sync-server/ledger/open';
import { hashPassword } from '../../sync-server/office/passwords';
import { KeyFileError } from '../../sync-server/secrets/key-file';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { removeTestKeyFile, testKeyFile } from '../helpers/key-file';
import { bytesNeedle, findInLedger, textNeedle, type Needle } from '../helpers/ledger-scan';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS, backendEnv } from '../helpers/postgres';
import { issueEnrolmentCode, startServerProcess } from '../helpers/server-process';

/** Turns on TOTP for the signed-in user through the API; returns the secret (base32) and a generator. */
async function enableTotp(client: OfficeClient): Promise<{ secret: string; totp: TOTP }> {
	const begun = await client.json<{ secret: string }>('POST', '/api/office/auth/totp/begin');
	const totp = new TOTP({ secret: Secret.fromBase32(begun.secret), period: 30, digits: 6 });
	await client.json('POST', '/api/office/auth/totp/confirm', { secret: begun.secret, code: totp.generate() });
	return { secret: begun.secret, totp };
}

function totpNeedles(who: string, secret: string): Needle[] {
	return [
		textNeedle(`secret: TOTP of ${who} (base32)`, secret),
		bytesNeedle(`secret: TOTP of ${who} (raw)`, Secret.fromBase32(secret).bytes)
	];
}

async function serverKeyNeedles(server: TestServer): Promise<Needle[]> {
	const out: Needle[] = [];
	for (const g of await server.keyring.history()) {
		const { keys } = await server.keyring.generation(g.generation);
		out.push(
			bytesNeedle(`secret: box secret of generation ${g.generation}`, keys.box.secretKey),
			bytesNeedle(`secret: sign secret of generation ${g.generation}`, keys.sign.secretKey),
			bytesNeedle(`secret: sign seed of generation ${g.generation}`, keys.sign.secretKey.subarray(0, 32))
		);
	}
	return out;
}

/** Every file under a directory, read whole. */
async function filesUnder(dir: string): Promise<Buffer[]> {
	const out: Buffer[] = [];
	for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
		if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name)));
	}
	return out;
}

describe.each(BACKENDS)('server secrets at rest (%s)', (backend) => {
	let env: Record<string, string>;
	let cleanupDb: () => Promise<void>;
	let dataDir: string;
	const started: TestServer[] = [];

	beforeEach(async () => {
		const b = await backendEnv(backend);
		dataDir = await mkdtemp(join(tmpdir(), 'vacc-secrets-'));
		env = { ...b.env, DATA_DIR: dataDir };
		cleanupDb = b.cleanup;
	});
	afterEach(async () => {
		for (const s of started.splice(0)) await s.close().catch(() => undefined);
		await rm(dataDir, { recursive: true, force: true });
		if (backend === 'pglite') await removeTestKeyFile(testKeyFile(env, dataDir));
		await cleanupDb();
	});

	const start = async (extra: Record<string, string> = {}) => {
		const s = await startTestServer({ ...env, ...extra });
		started.push(s);
		return s;
	};
	const stop = async (s: TestServer) => {
		started.splice(started.indexOf(s), 1);
		await s.close();
	};

	it('holds no server secret key and no TOTP secret in any column of any table, in any encoding', async () => {
		const server = await start();
		const admin = await OfficeClient.login(server.url);
		const adminTotp = await enableTotp(admin);
		const staff = await admin.createUser('staff', 'staff-totp');
		const staffTotp = await enableTotp(staff);
		// The keys in use: a device enrols and syncs, then the keys rotate (two generations sealed).
		const device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
		device.append(device.doseEvent());
		device.start();
		await device.until(() => device.count('receipted') === 1);
		device.stop();
		await server.keyring.rotate({ id: null, name: 'test' });

		const secrets = [
			...(await serverKeyNeedles(server)),
			...totpNeedles('admin', adminTotp.secret),
			...totpNeedles('staff', staffTotp.secret)
		];
		expect(secrets).toHaveLength(2 * 3 + 2 * 2);
		// Controls: the scan does find what is there (a public key in a bytea, a username in text).
		const g1 = (await server.keyring.history())[0]!;
		const controls = [
			bytesNeedle('control: sign public key of generation 1', g1.keys.sign),
			textNeedle('control: a username', 'staff-totp')
		];
		const { columns, found } = await findInLedger(server.ledger.db, [...secrets, ...controls]);

		expect(columns).toEqual(
			expect.arrayContaining([
				'server_key_generations.secrets_sealed bytea',
				'office_users.totp_sealed bytea',
				'audit_log.detail jsonb'
			])
		);
		expect(columns.length).toBeGreaterThan(80);
		expect(found.filter((f) => f.startsWith('secret'))).toEqual([]);
		expect(found).toEqual(
			expect.arrayContaining([
				'control: sign public key of generation 1 in server_key_generations.sign_public',
				'control: a username in office_users.username'
			])
		);

		// TOTP still works from the sealed secret (the next step's code: this one was used to confirm).
		await expect(
			OfficeClient.login(
				server.url,
				{ username: 'staff-totp', password: 'staff-totp-password-0123' },
				staffTotp.totp.generate({ timestamp: Date.now() + 30_000 })
			)
		).resolves.toBeDefined();

		if (backend === 'pglite') {
			// The data directory as a copy or backup would hold it, file by file, byte by byte.
			await stop(server);
			const files = await filesUnder(dataDir);
			expect(files.length).toBeGreaterThan(100);
			const inFiles = secrets.filter((n) => n.bytes.some((b) => files.some((f) => f.includes(Buffer.from(b)))));
			expect(inFiles.map((n) => n.label)).toEqual([]);
			expect(files.some((f) => f.includes(Buffer.from(g1.keys.sign)))).toBe(true);
		}
	});

	it('upgrades a ledger that held its secrets in clear: sealed at the first start, clear columns gone, devices and TOTP still work', async () => {
		// The ledger as the previous release left it (migrations 1–12): its key pair in clear, an
		// account with a TOTP secret in clear, and a device that pinned those keys.
		const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir });
		await migrate(db, { upTo: 12 });
		const old = generateKeyPairs();
		await db.query(
			'INSERT INTO server_keys (id, box_public, box_secret, sign_public, sign_secret) VALUES (1, $1, $2, $3, $4)',
			[old.box.publicKey, old.box.secretKey, old.sign.publicKey, old.sign.secretKey]
		);
		const totpSecret = new Secret({ size: 20 }).base32;
		await db.query(
			`INSERT INTO office_users (id, username, display_name, role, password_hash, totp_secret) VALUES ($1, 'old-admin', '旧管理者', 'admin', $2, $3)`,
			[newId(), await hashPassword('old-admin-password-0123'), totpSecret]
		);
		const deviceKeys = generateKeyPairs();
		const [enrolmentId, deviceId] = [newId(), newId()];
		await db.query(
			`INSERT INTO enrolments (id, secret_hash, municipality, setting, site_code, label, expires_at, used_at, device_id)
			 VALUES ($1, $2, '131016', 'mass', 'V001', '受付A', now() + interval '1 hour', now(), $3)`,
			[enrolmentId, randomBytes(32), deviceId]
		);
		await db.query(
			`INSERT INTO devices (id, enrolment_id, municipality, setting, site_code, label, box_public, sign_public) VALUES ($1, $2, '131016', 'mass', 'V001', '受付A', $3, $4)`,
			[deviceId, enrolmentId, deviceKeys.box.publicKey, deviceKeys.sign.publicKey]
		);
		await db.close();

		const server = await start();
		const g1 = await server.keyring.generation(1);
		expect(g1.keys.sign.publicKey).toEqual(old.sign.publicKey);
		expect(g1.keys.box.publicKey).toEqual(old.box.publicKey);
		expect(g1.keys.sign.secretKey).toEqual(old.sign.secretKey);
		const tables = await server.ledger.db.query<{ table_name: string }>(
			`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'server_keys'`
		);
		expect(tables.rows).toEqual([]);
		const columns = await server.ledger.db.query(
			`SELECT 1 FROM information_schema.columns WHERE table_name = 'office_users' AND column_name = 'totp_secret'`
		);
		expect(columns.rows).toEqual([]);
		const { found } = await findInLedger(server.ledger.db, [
			bytesNeedle('secret: old box secret', old.box.secretKey),
			bytesNeedle('secret: old sign secret', old.sign.secretKey),
			bytesNeedle('secret: old sign seed', old.sign.secretKey.subarray(0, 32)),
			...totpNeedles('old-admin', totpSecret)
		]);
		expect(found).toEqual([]);

		// The account's authenticator app still works, and the tablet that pinned the old keys syncs.
		const totp = new TOTP({ secret: Secret.fromBase32(totpSecret), period: 30, digits: 6 });
		await expect(
			OfficeClient.login(server.url, { username: 'old-admin', password: 'old-admin-password-0123' }, totp.generate())
		).resolves.toBeDefined();
		const device = MemoryDevice.withIdentity(
			{
				deviceId,
				keys: deviceKeys,
				serverKeys: { box: old.box.publicKey, sign: old.sign.publicKey },
				siteCode: 'V001',
				municipality: '131016'
			},
			server.url
		);
		device.append(device.doseEvent());
		device.start();
		await device.until(() => device.count('receipted') === 1);
		device.stop();
	});

	it('a sealed TOTP secret copied onto another user does not open there: no session', async () => {
		const server = await start();
		const admin = await OfficeClient.login(server.url);
		const a = await admin.createUser('staff', 'totp-a');
		const aTotp = await enableTotp(a);
		const b = await admin.createUser('staff', 'totp-b');
		await enableTotp(b);
		// Someone with write access to the database gives user b user a's second factor.
		await server.ledger.db.query(
			`UPDATE office_users SET totp_sealed = (SELECT totp_sealed FROM office_users WHERE username = 'totp-a'), totp_last_step = NULL WHERE username = 'totp-b'`
		);
		const sessions = async () =>
			(await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM office_sessions')).rows[0]!.n;
		const before = await sessions();
		const code = aTotp.totp.generate({ timestamp: Date.now() + 30_000 });
		const res = await fetch(`${server.url}/api/office/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: 'totp-b', password: 'totp-b-password-0123', totp: code })
		});
		expect(res.status).toBe(500);
		expect(await sessions()).toBe(before);
		expect(server.logs.join('\n')).toContain(`does not open with this key file`);
		// User a's own factor is untouched.
		await expect(
			OfficeClient.login(server.url, { username: 'totp-a', password: 'totp-a-password-0123' }, code)
		).resolves.toBeDefined();
	});

	it('refuses to start with a key file of another ledger, or none, and says what to do', async () => {
		const first = await start();
		const admin = await OfficeClient.login(first.url);
		await enableTotp(admin);
		const keyFile = first.keyFile;
		await stop(first);
		const original = await readFile(keyFile);

		await writeFile(keyFile, randomBytes(32), { mode: 0o600 });
		const wrong = await start().catch((e: unknown) => e);
		expect(wrong).toBeInstanceOf(KeyFileError);
		expect(String(wrong)).toMatch(
			/SERVER_KEY_FILE .* does not open this ledger's server keys \(generation 1\): it is the key file of another ledger/
		);

		await rm(keyFile);
		const missing = await start().catch((e: unknown) => e);
		expect(missing).toBeInstanceOf(KeyFileError);
		expect(String(missing)).toMatch(
			/SERVER_KEY_FILE .* did not exist, but this ledger's secrets are sealed with a key file: put that file back/
		);
		// The key made for nothing was removed again, so the next start says the same.
		await expect(access(keyFile)).rejects.toMatchObject({ code: 'ENOENT' });

		// With its own file back, the ledger opens, its keys and accounts intact.
		await writeFile(keyFile, original, { mode: 0o600 });
		const again = await start();
		expect((await again.keyring.current()).generation).toBe(1);
	});
});

describe('npm start and the key file', () => {
	it('refuses a key file its group or other users may read, exits 2 and says how to fix it', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'vacc-secrets-'));
		try {
			const server = await startServerProcess({}, dataDir);
			await server.stop();
			await chmod(server.keyFile, 0o644);
			const refused = await startServerProcess({}, dataDir).catch((e: unknown) => String(e));
			expect(refused).toContain('server exited with 2 before listening');
			expect(refused).toContain(`Server key file error: SERVER_KEY_FILE ${server.keyFile} has mode 0644`);
			expect(refused).toContain(`chmod 600 ${server.keyFile}`);
			await chmod(server.keyFile, 0o600);
			const fixed = await startServerProcess({}, dataDir);
			await fixed.stop();
		} finally {
			await rm(dataDir, { recursive: true, force: true });
			await removeTestKeyFile(testKeyFile({}, dataDir));
		}
	});
});
