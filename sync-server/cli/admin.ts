import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { loadConfig } from '../config';
import { Accounts, SYSTEM } from '../office/accounts';
import { DISPLAY_NAME, USERNAME } from '../office/fields';
import { passwordProblem } from '../office/passwords';
import { isRole, ROLES } from '#shared/office/roles';
import { runCommand, withLedger } from './run-command';
import { listServerKeys, rotateServerKeys } from './server-keys';

/**
 * `npm run admin -- <command>`: back-office accounts from the command line, for the first
 * administrator and for recovery, and the server's keys. With the embedded PGlite ledger, stop
 * the server first. Opens the ledger with the server's SERVER_KEY_FILE.
 *
 *   create --username U --role staff|supervisor|admin [--display-name N]
 *   password --username U       set a new password (ends the user's sessions, clears a lockout)
 *   list
 *   rotate-server-keys          new server key pairs, certified by the current ones (devices
 *                               take them at their next connection)
 *   server-keys                 the server key generations and the devices on each
 *
 * The password is read from the ADMIN_PASSWORD environment variable or, without it, as one
 * line from standard input — never from the command line, where `ps` and shell history see it.
 */
const USAGE = `usage: npm run admin -- create --username U --role ${ROLES.join('|')} [--display-name N]
       npm run admin -- password --username U
       npm run admin -- list
       npm run admin -- rotate-server-keys
       npm run admin -- server-keys
(the password comes from ADMIN_PASSWORD or one line on standard input)`;

async function readPassword(): Promise<string> {
	if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
	if (process.stdin.isTTY) process.stderr.write('Password (at least 12 characters): ');
	const rl = createInterface({ input: process.stdin });
	for await (const line of rl) {
		rl.close();
		return line;
	}
	return '';
}

async function main(): Promise<number> {
	const { values, positionals } = parseArgs({
		allowPositionals: true,
		options: { username: { type: 'string' }, role: { type: 'string' }, 'display-name': { type: 'string' } }
	});
	const command = positionals[0];
	if (command === 'rotate-server-keys' || command === 'server-keys') {
		if (positionals.length > 1 || Object.keys(values).length > 0) {
			console.error(USAGE);
			return 2;
		}
		const lines =
			command === 'rotate-server-keys' ? await rotateServerKeys(loadConfig()) : await listServerKeys(loadConfig());
		console.log(lines.join('\n'));
		return 0;
	}
	if (command !== 'create' && command !== 'password' && command !== 'list') {
		console.error(USAGE);
		return 2;
	}
	if (command !== 'list' && !v.is(USERNAME, values.username)) {
		console.error('--username: 3–40 lower-case letters, digits, . _ -');
		return 2;
	}
	if (command === 'create' && !isRole(values.role)) {
		console.error(`--role must be one of ${ROLES.join(', ')}`);
		return 2;
	}
	const displayName = values['display-name'] ?? values.username ?? '';
	if (command === 'create' && !v.is(DISPLAY_NAME, displayName)) {
		console.error('--display-name: 1–60 characters');
		return 2;
	}
	const password = command === 'list' ? '' : await readPassword();
	const problem = command === 'list' ? null : passwordProblem(password);
	if (problem) {
		console.error(`password refused: ${problem}`);
		return 2;
	}
	const config = loadConfig();
	const actor = { ...SYSTEM, name: 'cli' };
	return withLedger(config, async ({ ledger, sealer }) => {
		const accounts = new Accounts(ledger.db, config.office, sealer);
		if (command === 'list') {
			for (const u of await accounts.list())
				console.log(
					`${u.username}\t${u.role}\t${u.displayName}${u.disabled ? '\t(disabled)' : ''}${u.totp ? '\tTOTP' : ''}`
				);
			return 0;
		}
		const username = values.username!;
		if (command === 'create') {
			const user = await accounts.create(
				{ username, displayName, role: values.role as (typeof ROLES)[number], password },
				actor
			);
			if (!user) {
				console.error(`the username ${username} is taken`);
				return 1;
			}
			console.log(`created ${user.role} ${user.username}`);
			return 0;
		}
		const user = (await accounts.list()).find((u) => u.username === username);
		if (!user) {
			console.error(`no user ${username}`);
			return 1;
		}
		await accounts.setPassword(user.id, password, actor);
		console.log(`password of ${username} set; sessions ended, lockout cleared`);
		return 0;
	});
}

runCommand(main);
