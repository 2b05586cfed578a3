import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../helpers/free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nacl from 'tweetnacl';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PublicKeys } from '#shared/protocol/keys';
import { MSG_SERVER_KEYS_ACK } from '#shared/protocol/messages';
import { receiptSigningBytes } from '#shared/protocol/signing';
import { CLOSE } from '#shared/sync/socket';
import { listServerKeys, rotateServerKeys } from '../../sync-server/cli/server-keys';
import { forgeKeyChange } from '../helpers/forge-server-keys';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { removeTestKeyFile, testKeyFile } from '../helpers/key-file';
import { MemoryDevice } from '../helpers/memory-device';
import { BACKENDS, backendEnv, createTestDatabase } from '../helpers/postgres';
import { connectRaw } from '../helpers/raw-client';
import { issueEnrolmentCode, ROOT, startServerProcess } from '../helpers/server-process';

const verifies = (
	r: { batchId: string; stateVector: Uint8Array; eventCount: number; signature: Uint8Array },
	keys: PublicKeys
) => nacl.sign.detached.verify(receiptSigningBytes(r.batchId, r.stateVector, r.eventCount), r.signature, keys.sign);

describe.each(BACKENDS)('server key rotation with a real server and the device sync engine (%s)', (backend) => {
	let env: Record<string, string>;
	let cleanupDb: () => Promise<void>;
	let dataDir: string;
	let server: TestServer | null = null;
	const devices: MemoryDevice[] = [];

	beforeEach(async () => {
		const b = await backendEnv(backend);
		dataDir = await mkdtemp(join(tmpdir(), 'vacc-rotation-'));
		// A fixed port: a PGlite ledger is rotated with its server stopped, and the devices come back to the same address.
		env = { ...b.env, DATA_DIR: dataDir, PORT: String(await freePort()) };
		cleanupDb = b.cleanup;
		server = await startTestServer(env);
	});
	afterEach(async () => {
		for (const d of devices.splice(0)) d.stop();
		await server?.close();
		server = null;
		await rm(dataDir, { recursive: true, force: true });
		if (backend === 'pglite') await removeTestKeyFile(testKeyFile(env, dataDir));
		await cleanupDb();
	});

	const live = () => server!;
	async function device(): Promise<MemoryDevice> {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(live().url));
		devices.push(d);
		return d;
	}
	const pinnedGeneration = async (d: MemoryDevice) =>
		Number(
			(
				await live().ledger.db.query<{ g: number }>('SELECT server_key_generation AS g FROM devices WHERE id = $1', [
					d.identity.deviceId
				])
			).rows[0]!.g
		);
	const doseRows = async () =>
		(await live().ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dose_events')).rows[0]!.n;

	/** `npm run admin -- rotate-server-keys`'s own function, on this ledger and key file; a PGlite server is stopped for it. */
	async function rotateWithCli(): Promise<string[]> {
		const config = { databaseUrl: env.DATABASE_URL, dataDir, serverKeyFile: live().keyFile };
		if (backend === 'postgres') return rotateServerKeys(config);
		await live().close();
		server = null;
		const lines = await rotateServerKeys(config);
		server = await startTestServer(env);
		return lines;
	}

	it('a device syncs, the keys rotate, it re-pins at its next connection and syncs again; old receipts still verify', async () => {
		const d = await device();
		d.append(d.doseEvent());
		d.append(d.doseEvent());
		d.start();
		await d.until(() => d.count('receipted') === 2);
		d.stop();
		const before = d.receipts.slice();
		const g1 = (await live().keyring.history())[0]!.keys;
		expect(before.length).toBeGreaterThan(0);

		const lines = await rotateWithCli();
		expect(lines[0]).toMatch(/^server keys rotated: generation 2 \([0-9a-f:]+\), certified by generation 1$/);
		const [old, g2] = await live().keyring.history();
		expect(old!.retiredAt).not.toBeNull();
		// New enrolment codes carry the new keys.
		expect((await device()).identity.serverKeys).toEqual(g2!.keys);

		// Next connection: spoken to in generation 1, offered generation 2, verified, stored, acknowledged.
		d.append(d.doseEvent());
		d.start();
		await d.until(() => d.count('receipted') === 3 && d.serverKeyPins?.generation === 2);
		expect(d.serverKeyPins).toEqual({ current: g2!.keys, generation: 2, earlier: [g1] });
		await expect.poll(() => pinnedGeneration(d)).toBe(2);
		// That connection was proved with generation 1, so were its receipts.
		expect(verifies(d.receipts.at(-1)!, g1)).toBe(true);
		d.stop();

		// The one after: generation 2 throughout; the device now trusts only it.
		d.append(d.doseEvent());
		d.start();
		await d.until(() => d.count('receipted') === 4);
		await d.until(() => d.serverKeyPins?.earlier.length === 0);
		const latest = d.receipts.at(-1)!;
		expect(verifies(latest, g2!.keys)).toBe(true);
		expect(verifies(latest, g1)).toBe(false);
		expect(await doseRows()).toBe(4);

		// Receipts signed before the rotation still verify, against generation 1's public keys, which the ledger keeps.
		const history = await live().keyring.history();
		expect(history[0]!.keys).toEqual(g1);
		for (const r of before) {
			expect(verifies(r, history[0]!.keys)).toBe(true);
			expect(verifies(r, history[1]!.keys)).toBe(false);
		}
		// No device uses generation 1 any more (the new one enrolled on 2): its secrets are gone, its public keys stay.
		expect(history[0]).toMatchObject({ generation: 1, secretsKept: false, devices: 0 });
		expect(history[1]).toMatchObject({ generation: 2, secretsKept: true, retiredAt: null, devices: 2 });
		if (backend === 'postgres') {
			// `npm run admin -- server-keys`, beside the running server.
			const listed = await listServerKeys({ databaseUrl: env.DATABASE_URL, dataDir, serverKeyFile: live().keyFile });
			expect(listed).toHaveLength(2);
			expect(listed[0]).toMatch(
				/^generation 1\t[0-9a-f:]{19}\tcreated \S+\tretired \S+\tsecrets destroyed\t0 devices$/
			);
			expect(listed[1]).toMatch(/^generation 2\t[0-9a-f:]{19}\tcreated \S+\tcurrent\tsecrets kept\t2 devices$/);
		}
	});

	it('a lost acknowledgement does not lock the device out: the server still speaks the old keys, offers the change again', async () => {
		const d = await device();
		// A second device that stays on generation 1 keeps its secrets.
		await device();
		d.start();
		await d.until(() => d.status.state === 'online');
		d.stop();
		await rotateWithCli();
		d.start();
		await d.until(() => d.serverKeyPins?.generation === 2);
		await expect.poll(() => pinnedGeneration(d)).toBe(2);
		d.stop();
		// As if the acknowledgement had never reached the ledger.
		await live().ledger.db.query('UPDATE devices SET server_key_generation = 1 WHERE id = $1', [d.identity.deviceId]);

		d.append(d.doseEvent());
		d.start();
		await d.until(() => d.count('receipted') === 1);
		await expect.poll(() => pinnedGeneration(d)).toBe(2);
		expect(d.serverKeyPins?.earlier).toHaveLength(1);
		expect(d.errors.filter((e) => e.includes('server key'))).toEqual([]);
	});

	it('a key change not signed by the key the device trusts is refused: pins kept, nothing synced, sync stopped', async () => {
		const d = await device();
		const g1 = d.identity.serverKeys;
		d.start();
		await d.until(() => d.status.state === 'online');
		d.stop();
		const forged = await forgeKeyChange(live().ledger.db, live().keyFile);

		d.append(d.doseEvent());
		d.start();
		await d.until(() => d.status.state === 'stopped');
		expect(d.status).toMatchObject({ state: 'stopped', code: CLOSE.SERVER_KEY_CHANGE_REFUSED });
		expect(d.errors).toContain(
			'Error: server key change refused: generation 2 is not signed by the server key this device trusts'
		);
		expect(d.serverKeyPins).toBeNull();
		expect(d.count('local')).toBe(1);
		expect(await doseRows()).toBe(0);
		expect(await pinnedGeneration(d)).toBe(1);
		expect(forged.sign).not.toEqual(g1.sign);

		// Started again (a person unlocks the station): refused again, still on its own keys.
		d.stop();
		d.start();
		await d.until(() => d.status.state === 'stopped');
		expect(d.serverKeyPins).toBeNull();
		expect(await doseRows()).toBe(0);
	});

	it('refuses an acknowledgement the server did not ask for', async () => {
		const d = await device();
		const raw = await connectRaw(live().url, d.identity);
		raw.channel.send({ type: MSG_SERVER_KEYS_ACK, generation: 2 });
		expect((await raw.closed).code).toBe(CLOSE.PROTOCOL);
		expect(await pinnedGeneration(d)).toBe(1);
	});
});

describe('two server processes on one PostgreSQL and the real CLI', () => {
	it(
		'both take a rotation made by `npm run admin -- rotate-server-keys` while they run',
		{ timeout: 180_000 },
		async () => {
			const db = await createTestDatabase();
			const env = { DATABASE_URL: db.url };
			const one = await startServerProcess(env);
			const two = await startServerProcess(env);
			const devices: MemoryDevice[] = [];
			try {
				expect(two.keyFile).toBe(one.keyFile);
				const d = await MemoryDevice.enrol(await issueEnrolmentCode(one.url));
				devices.push(d);
				d.append(d.doseEvent());
				d.start();
				await d.until(() => d.count('receipted') === 1);
				d.stop();

				const cli = await promisify(execFile)(
					process.execPath,
					['--import', 'tsx', join(ROOT, 'sync-server/cli/admin.ts'), 'rotate-server-keys'],
					{
						cwd: ROOT,
						env: { ...process.env, ...env, SERVER_KEY_FILE: one.keyFile }
					}
				);
				expect(cli.stdout).toMatch(/server keys rotated: generation 2/);

				// Process two had never seen generation 2: it offers it at the device's next handshake.
				const onTwo = MemoryDevice.withIdentity(d.identity, two.url);
				devices.push(onTwo);
				onTwo.append(onTwo.doseEvent({}, '0000000002'));
				onTwo.start();
				await onTwo.until(() => onTwo.count('receipted') === 1 && onTwo.serverKeyPins?.generation === 2);
				onTwo.stop();
				// Process one speaks generation 2 to it at once.
				const onOne = MemoryDevice.withIdentity(
					{ ...d.identity, serverKeys: onTwo.serverKeyPins!.current, earlierServerKeys: [], serverKeyGeneration: 2 },
					one.url
				);
				devices.push(onOne);
				onOne.append(onOne.doseEvent({}, '0000000003'));
				onOne.start();
				await onOne.until(() => onOne.count('receipted') === 1);
				expect(onOne.errors).toEqual([]);
				const c = new pg.Client({ connectionString: db.url });
				await c.connect();
				const pinned = await c.query<{ g: number }>('SELECT server_key_generation AS g FROM devices WHERE id = $1', [
					d.identity.deviceId
				]);
				await c.end();
				expect(pinned.rows[0]!.g).toBe(2);
			} finally {
				for (const d of devices) d.stop();
				await one.cleanup();
				await two.cleanup();
				await db.drop();
			}
		}
	);
});
