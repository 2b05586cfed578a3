import type { KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { bytesEqual, toB64 } from '#shared/protocol/bytes';
import { generateKeyPairs, type KeyPairs, type PublicKeys } from '#shared/protocol/keys';
import { keyChangeSigningBytes, type KeyCertificate } from '#shared/protocol/server-keys';
import { appendAudit, type AuditActor } from '../audit/audit-log';
import { ed25519PrivateKey, ed25519Sign } from '../crypto/ed25519';
import { x25519PrivateKey } from '../crypto/x25519';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import { SEALED, SealError, type Sealer } from './sealer';
import { ADVISORY_LOCKS } from '../ledger/advisory-locks';

/** One generation of the server's key pairs, opened. */
export interface ServerKeyGeneration {
	generation: number;
	keys: KeyPairs;
	/** The Ed25519 secret as a node:crypto key (signing is done there). */
	signKey: KeyObject;
	/** The X25519 box secret as a node:crypto key (the handshake's static key agreement). */
	boxKey: KeyObject;
}

/** What the ledger keeps of a generation, public halves only. */
export interface ServerKeyInfo {
	generation: number;
	keys: PublicKeys;
	createdAt: string;
	retiredAt: string | null;
	/** False once its secrets were destroyed (no device or open enrolment code used it any more). */
	secretsKept: boolean;
	/** Devices (not revoked) that have pinned it. */
	devices: number;
}

interface GenerationRow {
	generation: number;
	box_public: Uint8Array;
	sign_public: Uint8Array;
	secrets_sealed: Uint8Array | null;
}

/** A generation's secrets do not open with this key file (wrong file for this ledger, or tampered). */
export class ServerKeysSealError extends Error {
	constructor(readonly generation: number) {
		super(`the sealed secrets of server key generation ${generation} do not open with this key file`);
	}
}

const bytes = (v: Uint8Array) => new Uint8Array(v);

/**
 * The server's key pairs, by generation, their secret halves sealed in the ledger. Several
 * processes on one PostgreSQL share them: the ledger is the only state, and what a process opened
 * it keeps (a generation's keys never change). A rotation made by the CLI (or another process) is
 * seen at the next handshake, which asks the ledger for the current generation.
 *
 * Design of rotation (why not a new handshake): the handshake bytes stay as they are. Each device
 * row records the generation the device has acknowledged; the server completes that device's
 * handshake with that generation's keys, which the device trusts, then sends the key-change
 * certificates up to the current generation inside the authenticated channel (MSG_SERVER_KEYS).
 * The device checks each link against the key it trusts, stores the new keys and acknowledges;
 * only then does the ledger move the device to the new generation. A device that never
 * connects again keeps working from wherever it left off; one whose acknowledgement was lost is
 * spoken to in its old generation and offered the change again. No device ever has to trust a key
 * that no key it trusted has signed, and no device is cut off by a rotation.
 */
export class ServerKeyring {
	private readonly opened = new Map<number, Promise<ServerKeyGeneration>>();

	private constructor(
		private readonly db: SqlDatabase,
		private readonly sealer: Sealer
	) {}

	/**
	 * Makes generation 1 on a new ledger (of several processes starting at once, one inserts it),
	 * then opens every generation whose secrets are kept: the key file must open them all.
	 */
	static async open(db: SqlDatabase, sealer: Sealer): Promise<ServerKeyring> {
		const fresh = generateKeyPairs();
		await db.query(
			`INSERT INTO server_key_generations (generation, box_public, sign_public, secrets_sealed)
			 VALUES (1, $1, $2, $3) ON CONFLICT (generation) DO NOTHING`,
			[
				fresh.box.publicKey,
				fresh.sign.publicKey,
				sealer.seal(secretBytes(fresh), SEALED.serverKeys(1, fresh.box.publicKey, fresh.sign.publicKey))
			]
		);
		const ring = new ServerKeyring(db, sealer);
		const { rows } = await db.query<{ generation: number }>(
			'SELECT generation FROM server_key_generations WHERE secrets_sealed IS NOT NULL ORDER BY generation'
		);
		for (const r of rows) await ring.generation(Number(r.generation));
		return ring;
	}

	/** The newest generation: enrolment codes carry its public keys and devices move to it. */
	async currentGeneration(exec: SqlExecutor = this.db): Promise<number> {
		const { rows } = await exec.query<{ g: number }>('SELECT max(generation) AS g FROM server_key_generations');
		return Number(rows[0]!.g);
	}

	async current(): Promise<ServerKeyGeneration> {
		return this.generation(await this.currentGeneration());
	}

	/** One generation's keys, opened once per process. */
	generation(n: number): Promise<ServerKeyGeneration> {
		let found = this.opened.get(n);
		if (!found) {
			found = this.load(this.db, n);
			this.opened.set(n, found);
			// A failure (say, a lost database connection) is not remembered.
			found.catch(() => this.opened.delete(n));
		}
		return found;
	}

	private async load(exec: SqlExecutor, n: number): Promise<ServerKeyGeneration> {
		const { rows } = await exec.query<GenerationRow>(
			'SELECT generation, box_public, sign_public, secrets_sealed FROM server_key_generations WHERE generation = $1',
			[n]
		);
		const r = rows[0];
		if (!r) throw new Error(`there is no server key generation ${n}`);
		if (!r.secrets_sealed)
			throw new Error(`the secrets of server key generation ${n} were destroyed (no device used it any more)`);
		return this.openRow(r);
	}

	private openRow(r: GenerationRow): ServerKeyGeneration {
		const generation = Number(r.generation);
		const box = bytes(r.box_public);
		const sign = bytes(r.sign_public);
		let secrets: Uint8Array;
		try {
			secrets = this.sealer.open(bytes(r.secrets_sealed!), SEALED.serverKeys(generation, box, sign));
		} catch (e) {
			if (e instanceof SealError) throw new ServerKeysSealError(generation);
			throw e;
		}
		const boxSecret = secrets.slice(0, 32);
		const signSecret = secrets.slice(32, 96);
		secrets.fill(0);
		// The associated data binds the secrets to these public keys; they must also be their halves.
		if (
			signSecret.length !== 64 ||
			!bytesEqual(nacl.box.keyPair.fromSecretKey(boxSecret).publicKey, box) ||
			!bytesEqual(nacl.sign.keyPair.fromSeed(signSecret.subarray(0, 32)).publicKey, sign)
		) {
			throw new ServerKeysSealError(generation);
		}
		const keys: KeyPairs = {
			box: { publicKey: box, secretKey: boxSecret },
			sign: { publicKey: sign, secretKey: signSecret }
		};
		return { generation, keys, signKey: ed25519PrivateKey(signSecret), boxKey: x25519PrivateKey(boxSecret) };
	}

	/** The key-change certificates of generations after `from`, up to `to`, oldest first. */
	async chain(from: number, to: number): Promise<KeyCertificate[]> {
		const { rows } = await this.db.query<{
			generation: number;
			box_public: Uint8Array;
			sign_public: Uint8Array;
			certificate: Uint8Array;
		}>(
			'SELECT generation, box_public, sign_public, certificate FROM server_key_generations WHERE generation > $1 AND generation <= $2 ORDER BY generation',
			[from, to]
		);
		return rows.map((r) => ({
			generation: Number(r.generation),
			box: bytes(r.box_public),
			sign: bytes(r.sign_public),
			signature: bytes(r.certificate)
		}));
	}

	/** Every generation, oldest first: the public keys of each (retired ones too, for what they signed). */
	async history(): Promise<ServerKeyInfo[]> {
		const { rows } = await this.db.query<{
			generation: number;
			box_public: Uint8Array;
			sign_public: Uint8Array;
			created_at: Date;
			retired_at: Date | null;
			kept: boolean;
			devices: number;
		}>(
			`SELECT g.generation, g.box_public, g.sign_public, g.created_at, g.retired_at, g.secrets_sealed IS NOT NULL AS kept,
			        (SELECT count(*)::int FROM devices d WHERE d.server_key_generation = g.generation AND d.status <> 'revoked') AS devices
			 FROM server_key_generations g ORDER BY g.generation`
		);
		return rows.map((r) => ({
			generation: Number(r.generation),
			keys: { box: bytes(r.box_public), sign: bytes(r.sign_public) },
			createdAt: new Date(r.created_at).toISOString(),
			retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null,
			secretsKept: r.kept,
			devices: r.devices
		}));
	}

	/**
	 * The device acknowledged the keys of `generation`: the server speaks them to it from now on.
	 * Never moves a device back. Secrets no device needs any more are then destroyed.
	 */
	async deviceAcknowledged(deviceId: string, generation: number): Promise<void> {
		await this.db.query('UPDATE devices SET server_key_generation = $2 WHERE id = $1 AND server_key_generation < $2', [
			deviceId,
			generation
		]);
		await this.destroyUnneededSecrets();
	}

	/**
	 * Makes the next generation: new key pairs, certified by the current generation's sign key,
	 * sealed; the current one is retired (its public keys stay; its secrets stay sealed while any
	 * device still uses it). Audited. Devices move to the new keys at their next connection.
	 */
	async rotate(actor: AuditActor): Promise<{ generation: number; keys: PublicKeys; destroyed: number[] }> {
		const fresh = generateKeyPairs();
		const generation = await this.db.transaction(async (tx) => {
			await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.serverKeys]);
			const previous = await this.load(tx, await this.currentGeneration(tx));
			const next = previous.generation + 1;
			const certificate = ed25519Sign(
				keyChangeSigningBytes({
					generation: next,
					previousSign: previous.keys.sign.publicKey,
					box: fresh.box.publicKey,
					sign: fresh.sign.publicKey
				}),
				previous.signKey
			);
			await tx.query(
				`INSERT INTO server_key_generations (generation, box_public, sign_public, secrets_sealed, certificate) VALUES ($1, $2, $3, $4, $5)`,
				[
					next,
					fresh.box.publicKey,
					fresh.sign.publicKey,
					this.sealer.seal(secretBytes(fresh), SEALED.serverKeys(next, fresh.box.publicKey, fresh.sign.publicKey)),
					certificate
				]
			);
			await tx.query('UPDATE server_key_generations SET retired_at = now() WHERE generation = $1', [
				previous.generation
			]);
			await appendAudit(tx, {
				actor,
				action: 'server.keys.rotate',
				target: String(next),
				detail: {
					previous: previous.generation,
					boxPublic: toB64(fresh.box.publicKey),
					signPublic: toB64(fresh.sign.publicKey)
				}
			});
			return next;
		});
		fresh.box.secretKey.fill(0);
		fresh.sign.secretKey.fill(0);
		const destroyed = await this.destroyUnneededSecrets();
		return { generation, keys: { box: fresh.box.publicKey, sign: fresh.sign.publicKey }, destroyed };
	}

	/**
	 * Destroys the sealed secrets of retired generations that nothing can use any more: no device
	 * (other than revoked ones) has only them pinned, and no enrolment code that may still be
	 * redeemed carries them. Their public keys stay. Under the keyring lock, which enrolment codes
	 * take too (shared), so a code being issued for a generation cannot see it destroyed.
	 */
	async destroyUnneededSecrets(): Promise<number[]> {
		return this.db.transaction(async (tx) => {
			await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.serverKeys]);
			const { rows } = await tx.query<{ generation: number }>(
				`UPDATE server_key_generations g SET secrets_sealed = NULL, secrets_destroyed_at = now()
				 WHERE g.secrets_sealed IS NOT NULL
				   AND g.generation < (SELECT max(generation) FROM server_key_generations)
				   AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.server_key_generation = g.generation AND d.status <> 'revoked')
				   AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.server_key_generation = g.generation AND e.used_at IS NULL AND e.expires_at > now())
				 RETURNING g.generation`
			);
			return rows.map((r) => Number(r.generation)).sort((a, b) => a - b);
		});
	}
}

/** Box secret (32) ‖ sign secret (64): the plaintext sealed for one generation. */
function secretBytes(k: KeyPairs): Uint8Array {
	const out = new Uint8Array(96);
	out.set(k.box.secretKey, 0);
	out.set(k.sign.secretKey, 32);
	return out;
}
