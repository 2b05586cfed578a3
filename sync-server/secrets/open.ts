import { unlink } from 'node:fs/promises';
import type { Ledger } from '../ledger/ledger';
import { openLedger, type LedgerLocation } from '../ledger/open';
import { KeyFileError, loadKeyFile } from './key-file';
import { Sealer } from './sealer';
import { ServerKeyring, ServerKeysSealError } from './server-keyring';

export interface OpenedLedger {
	ledger: Ledger;
	/** The server's key pairs by generation. */
	keyring: ServerKeyring;
	/** Seals and opens the other secrets the ledger keeps (TOTP). */
	sealer: Sealer;
}

/**
 * Opens the ledger with its key file, as the server and every CLI do: reads (or, the first time,
 * makes) SERVER_KEY_FILE, migrates — sealing the secrets of a ledger made before they were
 * sealed — and checks that the file opens every server key the ledger keeps. A file that does not
 * belongs to another ledger: refused with what to do, and the ledger is closed again.
 */
export async function openLedgerWithSecrets(loc: LedgerLocation & { serverKeyFile: string }): Promise<OpenedLedger> {
	const file = await loadKeyFile(loc.serverKeyFile);
	const sealer = new Sealer(file.key);
	file.key.fill(0);
	const ledger = await openLedger({ databaseUrl: loc.databaseUrl, dataDir: loc.dataDir, pglite: loc.pglite, sealer });
	try {
		return { ledger, keyring: await ServerKeyring.open(ledger.db, sealer), sealer };
	} catch (e) {
		await ledger.db.close();
		if (!(e instanceof ServerKeysSealError)) throw e;
		if (file.created) {
			// Made a moment ago for a ledger sealed with another file: nothing was sealed with it
			// (a ledger being upgraded would have opened), and leaving it would hide the cause next time.
			await unlink(file.path).catch(() => undefined);
			throw new KeyFileError(
				`SERVER_KEY_FILE ${file.path} did not exist, but this ledger's secrets are sealed with a key file: ` +
					`put that file back at ${file.path} (from its backup) and start again.`
			);
		}
		throw new KeyFileError(
			`SERVER_KEY_FILE ${file.path} does not open this ledger's server keys (generation ${e.generation}): it is the key file of another ledger. ` +
				`Point SERVER_KEY_FILE at the file this ledger was sealed with (from its backup); without it the server keys and TOTP secrets cannot be recovered.`
		);
	}
}
