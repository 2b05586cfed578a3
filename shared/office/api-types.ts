import type { Role } from './roles';

/** Answers of the accounts and audit APIs: written by the server, read by the office pages. */

/** A back-office account as the API shows it (never its password hash or TOTP secret). */
export interface OfficeUser {
	id: string;
	username: string;
	displayName: string;
	role: Role;
	totp: boolean;
	disabled: boolean;
	lockedUntil: string | null;
	createdAt: string;
}

/** One audit log entry (its hashes stay in the ledger). */
export interface AuditRow {
	seq: number;
	at: string;
	actorId: string | null;
	actor: string;
	action: string;
	target: string | null;
	detail: Record<string, unknown>;
}

export type ChainCheck =
	{ ok: true; rows: number } | { ok: false; rows: number; brokenAt: number; reason: 'hash' | 'link' | 'gap' };
