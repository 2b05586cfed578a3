import * as v from 'valibot';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Every API error is `{ error: { code, message } }` with a stable code and a clear message; a
 * refusal of one field may name it (`field`, such as `query.name`) for the form to point at.
 */
export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string, field?: string) {
	return c.json({ error: field === undefined ? { code, message } : { code, message, field } }, status);
}

/** Parses a JSON body; undefined when it is not JSON (the caller answers 400 BAD_JSON). */
export async function jsonBody(c: Context): Promise<unknown> {
	try {
		return await c.req.json();
	} catch {
		return undefined;
	}
}

/**
 * Reads a JSON body and checks it against a valibot schema: every route's bad input gets the
 * same specific codes (BAD_JSON, BAD_REQUEST naming the fields) and changes nothing. A My Number
 * never gets this far: the front door (my-number-door.ts) reads every body before routing.
 * Returns the value, or the error response to return as is.
 */
export async function readJson<S extends v.GenericSchema>(
	c: Context,
	schema: S
): Promise<{ ok: true; value: v.InferOutput<S> } | { ok: false; response: Response }> {
	const body = await jsonBody(c);
	if (body === undefined) return { ok: false, response: apiError(c, 400, 'BAD_JSON', 'the body is not valid JSON') };
	const parsed = v.safeParse(schema, body);
	if (!parsed.success)
		return {
			ok: false,
			response: apiError(
				c,
				400,
				'BAD_REQUEST',
				parsed.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`).join('; ')
			)
		};
	return { ok: true, value: parsed.output };
}
