import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { newId } from '#shared/ids';
import { appendAudit, audit, type AuditActor } from '../audit/audit-log';
import type { SqlDatabase, SqlExecutor } from '../ledger/sql';
import { SEALED, type Sealer } from '../secrets/sealer';
import { hashPassword, verifyPassword } from './passwords';
import type { OfficeUser } from '#shared/office/api-types';
import type { Role } from '#shared/office/roles';

export type { OfficeUser };

export interface SessionPolicy {
	/** A session unused this long ends. */
	idleMinutes: number;
	/** A session ends this long after login, used or not. */
	absoluteHours: number;
	/** Failed logins in a row before the account locks… */
	maxFailures: number;
	/** …for this long. */
	lockMinutes: number;
}

export type LoginResult =
	| { ok: true; user: OfficeUser; token: string; csrfToken: string }
	| {
			ok: false;
			code: 'INVALID_CREDENTIALS' | 'TOTP_REQUIRED' | 'TOTP_INVALID' | 'ACCOUNT_LOCKED' | 'ACCOUNT_DISABLED';
			lockedUntil?: string;
	  };

interface UserRow {
	id: string;
	username: string;
	display_name: string;
	role: Role;
	password_hash: string;
	/** The base32 TOTP secret, sealed with the key file (never stored in clear). */
	totp_sealed: Uint8Array | null;
	totp_last_step: number | null;
	failed_logins: number;
	locked_until: Date | null;
	disabled_at: Date | null;
	created_at: Date;
}

const toUser = (r: UserRow): OfficeUser => ({
	id: r.id,
	username: r.username,
	displayName: r.display_name,
	role: r.role,
	totp: r.totp_sealed !== null,
	disabled: r.disabled_at !== null,
	lockedUntil: r.locked_until && r.locked_until.getTime() > Date.now() ? r.locked_until.toISOString() : null,
	createdAt: new Date(r.created_at).toISOString()
});

const tokenHash = (token: string) => createHash('sha256').update(token).digest();
export const actorOf = (u: OfficeUser): AuditActor => ({ id: u.id, name: u.username });
export const SYSTEM: AuditActor = { id: null, name: 'system' };

const TOTP_PERIOD = 30;
const totpFor = (secret: string, username: string) =>
	new TOTP({
		issuer: '接種記録 保健センター',
		label: username,
		secret: Secret.fromBase32(secret),
		period: TOTP_PERIOD,
		digits: 6
	});

/**
 * Named back-office accounts and their sessions. Passwords are scrypt hashes; the session
 * cookie holds a random token of which only the hash is stored; every login attempt and
 * account change is written to the audit log.
 */
export class Accounts {
	private dummyHash: Promise<string> | null = null;

	constructor(
		private readonly db: SqlDatabase,
		private readonly policy: SessionPolicy,
		/** Seals TOTP secrets with the key file (sync-server/secrets/). */
		private readonly sealer: Sealer
	) {}

	async count(): Promise<number> {
		const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM office_users');
		return rows[0]!.n;
	}

	async list(): Promise<OfficeUser[]> {
		const { rows } = await this.db.query<UserRow>('SELECT * FROM office_users ORDER BY username');
		return rows.map(toUser);
	}

	async byId(id: string): Promise<OfficeUser | null> {
		const { rows } = await this.db.query<UserRow>('SELECT * FROM office_users WHERE id = $1', [id]);
		return rows[0] ? toUser(rows[0]) : null;
	}

	/** Creates an account; null when the username is taken. */
	async create(
		u: { username: string; displayName: string; role: Role; password: string },
		by: AuditActor,
		tx?: SqlExecutor
	): Promise<OfficeUser | null> {
		const hash = await hashPassword(u.password);
		const run = async (t: SqlExecutor) => {
			const { rows } = await t.query<UserRow>(
				`INSERT INTO office_users (id, username, display_name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
				 ON CONFLICT (username) DO NOTHING RETURNING *`,
				[newId(), u.username, u.displayName, u.role, hash]
			);
			if (!rows[0]) return null;
			const user = toUser(rows[0]);
			await appendAudit(t, {
				actor: by,
				action: 'user.create',
				target: user.id,
				detail: { username: user.username, role: user.role }
			});
			return user;
		};
		return tx ? run(tx) : this.db.transaction(run);
	}

	/**
	 * Creates the first admin, only while there is no account at all. Serialised so that two
	 * concurrent first-run requests cannot both succeed.
	 */
	async createFirstAdmin(u: { username: string; displayName: string; password: string }): Promise<OfficeUser | null> {
		return this.db.transaction(async (tx) => {
			await tx.query('LOCK TABLE office_users IN EXCLUSIVE MODE');
			const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM office_users');
			if (rows[0]!.n > 0) return null;
			return this.create({ ...u, role: 'admin' }, SYSTEM, tx);
		});
	}

	async update(
		id: string,
		change: { role?: Role; displayName?: string; disabled?: boolean },
		by: AuditActor
	): Promise<OfficeUser | null> {
		return this.db.transaction(async (tx) => {
			const { rows } = await tx.query<UserRow>(
				`UPDATE office_users SET role = coalesce($2, role), display_name = coalesce($3, display_name),
				   disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END
				 WHERE id = $1 RETURNING *`,
				[id, change.role ?? null, change.displayName ?? null, change.disabled ?? null]
			);
			if (!rows[0]) return null;
			// A disabled account or a changed role ends the user's sessions: rights are re-read at the next login.
			if (change.disabled || change.role) await tx.query('DELETE FROM office_sessions WHERE user_id = $1', [id]);
			await appendAudit(tx, { actor: by, action: 'user.update', target: id, detail: change });
			return toUser(rows[0]);
		});
	}

	async setPassword(id: string, password: string, by: AuditActor): Promise<boolean> {
		const hash = await hashPassword(password);
		return this.db.transaction(async (tx) => {
			const { rows } = await tx.query(
				'UPDATE office_users SET password_hash = $2, password_changed_at = now(), failed_logins = 0, locked_until = NULL WHERE id = $1 RETURNING id',
				[id, hash]
			);
			if (rows.length === 0) return false;
			await tx.query('DELETE FROM office_sessions WHERE user_id = $1', [id]);
			await appendAudit(tx, { actor: by, action: 'user.password', target: id });
			return true;
		});
	}

	async unlock(id: string, by: AuditActor): Promise<boolean> {
		return this.db.transaction(async (tx) => {
			const { rows } = await tx.query(
				'UPDATE office_users SET failed_logins = 0, locked_until = NULL WHERE id = $1 RETURNING id',
				[id]
			);
			if (rows.length === 0) return false;
			await appendAudit(tx, { actor: by, action: 'user.unlock', target: id });
			return true;
		});
	}

	async checkPassword(id: string, password: string): Promise<boolean> {
		const { rows } = await this.db.query<{ password_hash: string }>(
			'SELECT password_hash FROM office_users WHERE id = $1',
			[id]
		);
		return rows[0] ? verifyPassword(password, rows[0].password_hash) : false;
	}

	/**
	 * Checks username, password and (when the account has one) the TOTP code; on success opens
	 * a new session. Always a new token: a session id set before login is never promoted
	 * (session fixation). Failures count towards a lockout, and the attempt is audited either way.
	 */
	async login(
		username: string,
		password: string,
		totpCode: string | undefined,
		client: { ip: string }
	): Promise<LoginResult> {
		const { rows } = await this.db.query<UserRow>('SELECT * FROM office_users WHERE username = $1', [username]);
		const row = rows[0];
		if (!row) {
			// Same work as for a real account, so timing does not tell which usernames exist.
			this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
			await verifyPassword(password, await this.dummyHash);
			await audit(this.db, {
				actor: SYSTEM,
				action: 'login.fail',
				target: null,
				detail: { reason: 'INVALID_CREDENTIALS', ip: client.ip }
			});
			return { ok: false, code: 'INVALID_CREDENTIALS' };
		}
		const actor = { id: row.id, name: row.username };
		const fail = async (
			code: Exclude<LoginResult, { ok: true }>['code'],
			countsTowardsLock: boolean
		): Promise<LoginResult> => {
			return this.db.transaction(async (tx) => {
				let lockedUntil: string | undefined;
				if (countsTowardsLock) {
					const { rows: r } = await tx.query<{ failed_logins: number; locked_until: Date | null }>(
						`UPDATE office_users SET failed_logins = failed_logins + 1,
						   locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
						 WHERE id = $1 RETURNING failed_logins, locked_until`,
						[row.id, this.policy.maxFailures, this.policy.lockMinutes]
					);
					if (r[0] && r[0].failed_logins >= this.policy.maxFailures && r[0].locked_until) {
						lockedUntil = r[0].locked_until.toISOString();
						await appendAudit(tx, {
							actor,
							action: 'login.locked',
							target: row.id,
							detail: { until: lockedUntil, ip: client.ip }
						});
					}
				}
				await appendAudit(tx, { actor, action: 'login.fail', target: row.id, detail: { reason: code, ip: client.ip } });
				return lockedUntil
					? { ok: false as const, code: 'ACCOUNT_LOCKED' as const, lockedUntil }
					: { ok: false as const, code };
			});
		};
		if (row.locked_until && row.locked_until.getTime() > Date.now()) {
			await audit(this.db, {
				actor,
				action: 'login.fail',
				target: row.id,
				detail: { reason: 'ACCOUNT_LOCKED', ip: client.ip }
			});
			return { ok: false, code: 'ACCOUNT_LOCKED', lockedUntil: row.locked_until.toISOString() };
		}
		if (!(await verifyPassword(password, row.password_hash))) return fail('INVALID_CREDENTIALS', true);
		if (row.disabled_at) return fail('ACCOUNT_DISABLED', false);
		if (row.totp_sealed) {
			if (!totpCode) return { ok: false, code: 'TOTP_REQUIRED' };
			// Sealed for this user's row: a secret copied from another user's row does not open (SealError).
			const secret = this.sealer.openText(new Uint8Array(row.totp_sealed), SEALED.totp(row.id));
			const step = this.acceptTotp(secret, row.username, totpCode, row.totp_last_step);
			if (step === null) return fail('TOTP_INVALID', true);
			// The row read above may be stale: logins with the same code race each other (one
			// replays what it saw typed). One conditional UPDATE claims the step; only the login
			// whose claim changed the row goes on to open a session.
			const claimed = await this.db.query(
				'UPDATE office_users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
				[row.id, step]
			);
			if (claimed.rows.length === 0) return fail('TOTP_INVALID', true);
		}
		const token = randomBytes(32).toString('base64url');
		const csrfToken = randomBytes(32).toString('base64url');
		await this.db.transaction(async (tx) => {
			// Sessions past their time are dead already; dropping them here keeps the table small.
			await tx.query(
				`DELETE FROM office_sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(mins => $1)`,
				[this.policy.idleMinutes]
			);
			await tx.query('UPDATE office_users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [row.id]);
			await tx.query(
				`INSERT INTO office_sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4))`,
				[tokenHash(token), row.id, csrfToken, this.policy.absoluteHours]
			);
			await appendAudit(tx, {
				actor,
				action: 'login.ok',
				target: row.id,
				detail: { ip: client.ip, totp: row.totp_sealed !== null }
			});
		});
		return { ok: true, user: toUser({ ...row, failed_logins: 0, locked_until: null }), token, csrfToken };
	}

	/** The time step of a valid, not yet used code; null otherwise. One step of clock drift either way is allowed. */
	private acceptTotp(secret: string, username: string, code: string, lastStep: number | null): number | null {
		if (!/^\d{6}$/.test(code)) return null;
		const delta = totpFor(secret, username).validate({ token: code, window: 1 });
		if (delta === null) return null;
		const step = TOTP.counter({ period: TOTP_PERIOD }) + delta;
		return lastStep !== null && step <= Number(lastStep) ? null : step;
	}

	/** The session's user and CSRF token, or null when unknown, expired or idle too long. Touches it. */
	async session(token: string): Promise<{ user: OfficeUser; csrfToken: string } | null> {
		const { rows } = await this.db.query<UserRow & { csrf_token: string }>(
			`UPDATE office_sessions s SET last_seen_at = now()
			 FROM office_users u
			 WHERE s.token_hash = $1 AND u.id = s.user_id AND u.disabled_at IS NULL
			   AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => $2)
			 RETURNING u.*, s.csrf_token`,
			[tokenHash(token), this.policy.idleMinutes]
		);
		const r = rows[0];
		return r ? { user: toUser(r), csrfToken: r.csrf_token } : null;
	}

	async logout(token: string, user: OfficeUser): Promise<void> {
		await this.db.transaction(async (tx) => {
			await tx.query('DELETE FROM office_sessions WHERE token_hash = $1', [tokenHash(token)]);
			await appendAudit(tx, { actor: actorOf(user), action: 'logout', target: user.id });
		});
	}

	/** A fresh TOTP secret to show as a QR code; it takes effect only once confirmed with a code. */
	newTotpSecret(username: string): { secret: string; uri: string } {
		const secret = new Secret({ size: 20 }).base32;
		return { secret, uri: totpFor(secret, username).toString() };
	}

	async confirmTotp(user: OfficeUser, secret: string, code: string): Promise<boolean> {
		const step = this.acceptTotp(secret, user.username, code, null);
		if (step === null) return false;
		await this.db.transaction(async (tx) => {
			await tx.query('UPDATE office_users SET totp_sealed = $2, totp_last_step = $3 WHERE id = $1', [
				user.id,
				this.sealer.sealText(secret, SEALED.totp(user.id)),
				step
			]);
			await appendAudit(tx, { actor: actorOf(user), action: 'user.totp.enable', target: user.id });
		});
		return true;
	}

	async disableTotp(id: string, by: AuditActor): Promise<boolean> {
		return this.db.transaction(async (tx) => {
			const { rows } = await tx.query(
				'UPDATE office_users SET totp_sealed = NULL, totp_last_step = NULL WHERE id = $1 RETURNING id',
				[id]
			);
			if (rows.length === 0) return false;
			await appendAudit(tx, { actor: by, action: 'user.totp.disable', target: id });
			return true;
		});
	}
}

export const sameToken = (a: string, b: string) =>
	a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
