import type { OfficeUser } from '#shared/office/api-types';
import { CAN, type Role } from '#shared/office/roles';
import { api, ApiError, connectApi } from './api';
import { errorText } from './status.svelte';

export type { OfficeUser };

export type LoginOutcome = { ok: true } | { ok: false; code: string; message: string };

/** The signed-in back-office user (or none), shared by the office shell and its pages. */
class OfficeSession {
	state = $state<'loading' | 'signed-out' | 'signed-in'>('loading');
	user = $state<OfficeUser | null>(null);
	/** Why the user was signed out, shown above the login form. */
	endedReason = $state<string | null>(null);
	private csrfToken: string | null = null;

	constructor() {
		connectApi({
			csrfToken: () => this.csrfToken,
			// Only a session that existed can have expired: a browser that never signed in (or
			// whose first check of the session finds none) is simply shown the login form.
			onSessionEnded: () =>
				this.signedOut(
					this.state === 'signed-in' ? 'セッションの有効期限が切れました。もう一度ログインしてください。' : null
				)
		});
	}

	async load(): Promise<void> {
		try {
			const s = await api<{ user: OfficeUser; csrfToken: string }>('GET', '/api/office/auth/session');
			this.signedIn(s.user, s.csrfToken);
		} catch (e) {
			if (!(e instanceof ApiError) || e.status !== 401) throw e;
			this.state = 'signed-out';
		}
	}

	async login(username: string, password: string, totp?: string): Promise<LoginOutcome> {
		try {
			const r = await api<{ user: OfficeUser; csrfToken: string }>('POST', '/api/office/auth/login', {
				username,
				password,
				...(totp ? { totp } : {})
			});
			this.signedIn(r.user, r.csrfToken);
			return { ok: true };
		} catch (e) {
			if (e instanceof ApiError) return { ok: false, code: e.code, message: errorText(e) };
			throw e;
		}
	}

	async logout(): Promise<void> {
		try {
			await api('POST', '/api/office/auth/logout');
		} finally {
			this.signedOut(null);
		}
	}

	/** Whether the signed-in user may do `what` (the server checks again on every call). */
	can(what: keyof typeof CAN): boolean {
		return this.user !== null && (CAN[what] as readonly Role[]).includes(this.user.role);
	}

	private signedIn(user: OfficeUser, csrfToken: string): void {
		this.user = user;
		this.csrfToken = csrfToken;
		this.endedReason = null;
		this.state = 'signed-in';
	}

	signedOut(reason: string | null): void {
		this.user = null;
		this.csrfToken = null;
		this.endedReason = reason;
		this.state = 'signed-out';
	}
}

export const office = new OfficeSession();
