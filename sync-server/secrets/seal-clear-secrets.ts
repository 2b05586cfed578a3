import type { SqlExecutor } from '../ledger/sql';
import { SEALED, type Sealer } from './sealer';

/** A ledger with clear secrets was opened without the key file that would seal them. */
export class ClearSecretsError extends Error {}

/**
 * Migration 0013's step (see its SQL): seals what a ledger made before it holds in clear — the
 * server's one key pair (it becomes generation 1, with the same public keys, so enrolled devices
 * keep working) and every TOTP secret. Runs in the migration's transaction: the sealed copies
 * commit together with the migration, and 0014 drops the clear ones.
 */
export async function sealClearSecrets(tx: SqlExecutor, sealer: Sealer | undefined): Promise<void> {
	const keys = await tx.query<{
		box_public: Uint8Array;
		box_secret: Uint8Array;
		sign_public: Uint8Array;
		sign_secret: Uint8Array;
		created_at: Date;
	}>('SELECT box_public, box_secret, sign_public, sign_secret, created_at FROM server_keys WHERE id = 1');
	const totp = await tx.query<{ id: string; totp_secret: string }>(
		'SELECT id, totp_secret FROM office_users WHERE totp_secret IS NOT NULL'
	);
	if (keys.rows.length === 0 && totp.rows.length === 0) return;
	if (!sealer) {
		throw new ClearSecretsError(
			'this ledger holds server secrets in clear (made before migration 13); open it with its SERVER_KEY_FILE so they are sealed'
		);
	}
	const k = keys.rows[0];
	if (k) {
		const box = new Uint8Array(k.box_public);
		const sign = new Uint8Array(k.sign_public);
		const secrets = new Uint8Array(96);
		secrets.set(new Uint8Array(k.box_secret), 0);
		secrets.set(new Uint8Array(k.sign_secret), 32);
		await tx.query(
			'INSERT INTO server_key_generations (generation, box_public, sign_public, secrets_sealed, created_at) VALUES (1, $1, $2, $3, $4)',
			[box, sign, sealer.seal(secrets, SEALED.serverKeys(1, box, sign)), k.created_at]
		);
		secrets.fill(0);
	}
	for (const u of totp.rows) {
		await tx.query('UPDATE office_users SET totp_sealed = $2 WHERE id = $1', [
			u.id,
			sealer.sealText(u.totp_secret, SEALED.totp(u.id))
		]);
	}
}
