import { timingSafeEqual, createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { apiError } from './errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Admin API guard: a bearer token until named accounts with roles arrive (back-office issue).
 * Compared in constant time.
 */
export function requireAdminToken(token: string): MiddlewareHandler {
	const expected = digest(`Bearer ${token}`);
	return async (c, next) => {
		const given = c.req.header('authorization') ?? '';
		if (!timingSafeEqual(digest(given), expected)) return apiError(c, 401, 'UNAUTHORIZED', 'admin token required');
		await next();
	};
}
