import type { Context, MiddlewareHandler } from 'hono';
import { locateMyNumber, stringContainsMyNumber } from '#shared/index';
import { apiError } from './errors';

/*
 * The HTTP boundary's front door for the My Number guard (DESIGN §2): every request is read
 * before routing — its decoded path, its query, its headers and its JSON body — so that no
 * route, present or future, can store or log a My Number by forgetting to check a field. A
 * refusal names where the number was (`path`, `query.name`, `header.x-file-name`,
 * `body.sites.2.name`) and never echoes the value. CSV uploads are read cell by cell by their
 * parsers (sync-server/csv, sync-server/register), sync events by the event validator.
 */

const refuse = (c: Context, field: string) =>
	apiError(
		c,
		400,
		'MY_NUMBER',
		`個人番号（マイナンバー）と思われる値があります（${field}）。何も保存していません。`,
		field
	);

// Path and query text is stored (lot numbers, batch ids, file names) and logged; PostgreSQL
// text cannot hold NUL, and no field of ours takes a control character.
const CONTROL = /\p{Cc}/u;
// Names that may be repeated in a refusal: field and header names of our own shape only.
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const nameOf = (prefix: string, name: string) => (SAFE_NAME.test(name) ? `${prefix}.${name}` : prefix);
// The session cookie is an opaque random token of our own, compared and never stored.
const UNREAD_HEADERS = new Set(['cookie']);

/** Path, query and headers: for every request, before routing. */
export const myNumberRequestDoor: MiddlewareHandler = async (c, next) => {
	const url = new URL(c.req.url);
	let path: string;
	try {
		path = decodeURIComponent(url.pathname);
	} catch {
		return apiError(c, 400, 'BAD_PATH', 'the path is not valid percent-encoded UTF-8');
	}
	if (stringContainsMyNumber(path)) return refuse(c, 'path');
	if (CONTROL.test(path)) return apiError(c, 400, 'BAD_PATH', 'the path holds a control character');
	for (const [key, value] of url.searchParams) {
		if (stringContainsMyNumber(key)) return refuse(c, 'query');
		if (stringContainsMyNumber(value)) return refuse(c, nameOf('query', key));
		if (CONTROL.test(key) || CONTROL.test(value))
			return apiError(c, 400, 'BAD_QUERY', 'the query holds a control character');
	}
	for (const [name, value] of c.req.raw.headers) {
		if (!UNREAD_HEADERS.has(name) && stringContainsMyNumber(value)) return refuse(c, nameOf('header', name));
	}
	return next();
};

/**
 * Bodies that parse as JSON, whatever their content type says (a route's `c.req.json()` parses
 * regardless of it). The body is read once as bytes, which Hono keeps for the route, so a CSV
 * upload still reaches its route byte for byte (Shift_JIS included) and is read there cell by
 * cell. Mounted after the body size limit, which has already bounded the body.
 */
export const myNumberJsonDoor: MiddlewareHandler = async (c, next) => {
	if (c.req.method === 'GET' || c.req.method === 'HEAD' || !c.req.raw.body) return next();
	const bytes = await c.req.arrayBuffer();
	let body: unknown;
	try {
		body = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		return next();
	}
	const at = locateMyNumber(body);
	if (at !== null) {
		const path =
			at === '' ? 'body' : at.split('.').every((k) => SAFE_NAME.test(k) || /^\d+$/.test(k)) ? `body.${at}` : 'body';
		return refuse(c, path);
	}
	if (holdsNul(body)) return apiError(c, 400, 'BAD_REQUEST', 'a text field holds a NUL character');
	return next();
};

function holdsNul(value: unknown): boolean {
	const stack = [value];
	while (stack.length > 0) {
		const v = stack.pop();
		if (typeof v === 'string') {
			if (v.includes('\u0000')) return true;
		} else if (v && typeof v === 'object') {
			for (const [k, item] of Object.entries(v)) {
				if (k.includes('\u0000')) return true;
				stack.push(item);
			}
		}
	}
	return false;
}
