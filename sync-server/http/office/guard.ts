import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Accounts, OfficeUser } from '../../office/accounts';
import { sameToken } from '../../office/accounts';
import type { Role } from '#shared/office/roles';
import { apiError } from '../errors';

/** Hono context of back-office routes: the signed-in user is in c.var.user. */
export type OfficeEnv = { Variables: { user: OfficeUser; sessionToken: string; csrfToken: string } };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `__Host-` binds the cookie to this origin (no Domain, Path=/, Secure), where HTTPS allows it. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-vx_office' : 'vx_office');

export function setSessionCookie(c: Context, token: string, secure: boolean): void {
	setCookie(c, sessionCookieName(secure), token, { httpOnly: true, secure, sameSite: 'Strict', path: '/' });
}

export function clearSessionCookie(c: Context, secure: boolean): void {
	deleteCookie(c, sessionCookieName(secure), { path: '/', secure });
}

/**
 * Every back-office route after login: a live session (not idle, not expired, account not
 * disabled), and for anything that changes state the session's CSRF token in X-CSRF-Token and,
 * when the browser sends one, an Origin equal to ours. The cookie is SameSite=Strict as well;
 * the token is the defence that does not depend on the browser.
 */
export function officeSession(accounts: Accounts, cookieSecure: boolean): MiddlewareHandler<OfficeEnv> {
	return async (c, next) => {
		const token = getCookie(c, sessionCookieName(cookieSecure));
		const session = token ? await accounts.session(token) : null;
		if (!token || !session)
			return apiError(c, 401, 'SESSION_REQUIRED', 'ログインしてください（セッションが無いか、期限切れです）');
		if (!SAFE_METHODS.has(c.req.method)) {
			const origin = c.req.header('origin');
			if (origin !== undefined && origin !== new URL(c.req.url).origin)
				return apiError(c, 403, 'CSRF', 'the request comes from another origin');
			const csrf = c.req.header('x-csrf-token') ?? '';
			if (!sameToken(csrf, session.csrfToken)) return apiError(c, 403, 'CSRF', 'X-CSRF-Token is missing or wrong');
		}
		c.set('user', session.user);
		c.set('sessionToken', token);
		c.set('csrfToken', session.csrfToken);
		await next();
	};
}

/** Refuses users whose role is not among `roles` (403 FORBIDDEN). Put it on every route. */
export function requireRole(roles: readonly Role[]): MiddlewareHandler<OfficeEnv> {
	return async (c, next) => {
		if (!roles.includes(c.var.user.role))
			return apiError(c, 403, 'FORBIDDEN', `この操作の権限がありません（${roles.join(' / ')}）`);
		await next();
	};
}
