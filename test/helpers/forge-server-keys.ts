import { readFile } from 'node:fs/promises';
import nacl from 'tweetnacl';
import { generateKeyPairs, type PublicKeys } from '#shared/protocol/keys';
import { keyChangeSigningBytes } from '#shared/protocol/server-keys';
import type { SqlExecutor } from '../../sync-server/ledger/sql';
import { SEALED, Sealer } from '../../sync-server/secrets/sealer';

/**
 * Puts a new server key generation into a ledger the way someone with write access to the
 * database and the key file — but not the current signing key — could: properly sealed, so the
 * server uses it, but its key-change certificate signed by a key of their own. Devices must
 * refuse it. Returns the forged public keys.
 */
export async function forgeKeyChange(db: SqlExecutor, keyFile: string): Promise<PublicKeys> {
	const sealer = new Sealer(new Uint8Array(await readFile(keyFile)));
	const { rows } = await db.query<{ g: number }>('SELECT max(generation) AS g FROM server_key_generations');
	const next = Number(rows[0]!.g) + 1;
	const stranger = generateKeyPairs();
	const fresh = generateKeyPairs();
	const signed = keyChangeSigningBytes({
		generation: next,
		previousSign: stranger.sign.publicKey,
		box: fresh.box.publicKey,
		sign: fresh.sign.publicKey
	});
	const secrets = new Uint8Array([...fresh.box.secretKey, ...fresh.sign.secretKey]);
	await db.query(
		`INSERT INTO server_key_generations (generation, box_public, sign_public, secrets_sealed, certificate) VALUES ($1, $2, $3, $4, $5)`,
		[
			next,
			fresh.box.publicKey,
			fresh.sign.publicKey,
			sealer.seal(secrets, SEALED.serverKeys(next, fresh.box.publicKey, fresh.sign.publicKey)),
			nacl.sign.detached(signed, stranger.sign.secretKey)
		]
	);
	await db.query('UPDATE server_key_generations SET retired_at = now() WHERE generation = $1', [next - 1]);
	return { box: fresh.box.publicKey, sign: fresh.sign.publicKey };
}
