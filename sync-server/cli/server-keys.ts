import { createHash } from 'node:crypto';
import type { Config } from '../config';
import type { AuditActor } from '../audit/audit-log';
import type { PublicKeys } from '#shared/protocol/keys';
import { withLedger } from './run-command';

/** A short, stable name for a generation's public keys (what an operator compares). */
export function fingerprint(keys: PublicKeys): string {
	return createHash('sha256')
		.update(keys.box)
		.update(keys.sign)
		.digest('hex')
		.slice(0, 16)
		.replace(/(.{4})(?!$)/g, '$1:');
}

const CLI: AuditActor = { id: null, name: 'cli' };

/**
 * `npm run admin -- rotate-server-keys`: the next generation of the server's key pairs, certified
 * by the current one (see ServerKeyring.rotate). Runs beside live servers on PostgreSQL (they take
 * it at their next handshake); with PGlite, stop the server first. Resolves to the lines to print.
 */
export async function rotateServerKeys(
	config: Pick<Config, 'databaseUrl' | 'dataDir' | 'serverKeyFile'>,
	actor: AuditActor = CLI
): Promise<string[]> {
	return withLedger(config, async ({ keyring }) => {
		const r = await keyring.rotate(actor);
		return [
			`server keys rotated: generation ${r.generation} (${fingerprint(r.keys)}), certified by generation ${r.generation - 1}`,
			'devices take the new keys at their next connection; new enrolment codes carry them',
			...(r.destroyed.length > 0
				? [`secrets of generation ${r.destroyed.join(', ')} destroyed: no device uses them any more`]
				: [])
		];
	});
}

/** `npm run admin -- server-keys`: every generation, whether its secrets are kept, and how many devices pinned it. */
export async function listServerKeys(
	config: Pick<Config, 'databaseUrl' | 'dataDir' | 'serverKeyFile'>
): Promise<string[]> {
	return withLedger(config, async ({ keyring }) =>
		(await keyring.history()).map(
			(g) =>
				`generation ${g.generation}\t${fingerprint(g.keys)}\tcreated ${g.createdAt}\t${g.retiredAt ? `retired ${g.retiredAt}` : 'current'}\t` +
				`${g.secretsKept ? 'secrets kept' : 'secrets destroyed'}\t${g.devices} device${g.devices === 1 ? '' : 's'}`
		)
	);
}
