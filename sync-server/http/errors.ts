import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every API error is `{ error: { code, message } }` with a stable code and a clear message. */
export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string) {
	return c.json({ error: { code, message } }, status);
}

/** Parses a JSON body; undefined when it is not JSON (the caller answers 400 BAD_JSON). */
export async function jsonBody(c: Context): Promise<unknown> {
	try {
		return await c.req.json();
	} catch {
		return undefined;
	}
}
