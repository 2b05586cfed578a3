import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server-process';

/**
 * Issue 16: the ledger owns its SQL. Route and transport modules call the ledger and the stores
 * (modules that take the database, such as exports/store.ts); they write no SQL of their own, and
 * run no statement on the ledger's handle themselves.
 */
const SERVER = join(ROOT, 'sync-server');

/**
 * Stores: modules of one feature that take the database (or the ledger) and hold that feature's
 * SQL, as the ledger does for its own tables. Everything else (routes, transport, ingest, CLIs,
 * the server's entry) goes through the ledger or a store.
 */
const STORES = ['ledger', 'audit', 'catalog', 'exports', 'lots', 'office', 'reconciliation', 'register', 'secrets'].map(
	(d) => `sync-server/${d}/`
);

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sources(path);
		return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
	});
}

/** The code without its comments, so prose about SQL is not read as SQL. */
const codeOf = (file: string) =>
	readFileSync(file, 'utf8')
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/^\s*\/\/.*$/gm, '');

/** A statement run on the ledger's handle: `ledger.db.query(`, `this.ledger.db.exec(`, `deps.ledger.db.transaction(`… */
const RAW_HANDLE = /\bledger\.db\s*\.\s*(query|exec|transaction)\b/;
/** A statement run on any handle (Hono's `c.req.query()` is the request's query string, not SQL). */
const STATEMENT_CALL = /(?<!\breq)\.(query|exec)\s*[<(]/;
/** SQL text. */
const SQL_TEXT =
	/\b(SELECT\s+[\w*]|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|LISTEN\s+\$?\{?\w|NOTIFY\s+\w|TRUNCATE\s+\w)/;

const rel = (f: string) => relative(ROOT, f);

describe('the ledger owns its SQL', () => {
	it('nothing but the ledger and the stores runs statements on the ledger handle', () => {
		const bad = sources(SERVER)
			.filter((f) => !STORES.some((d) => rel(f).startsWith(d)))
			.filter((f) => RAW_HANDLE.test(codeOf(f)))
			.map(rel);
		expect(bad).toEqual([]);
	});

	it('route, transport and ingest modules write no SQL: they call the ledger or a store', () => {
		const bad = ['http', 'transport', 'ingest']
			.flatMap((d) => sources(join(SERVER, d)))
			.flatMap((f) => {
				const code = codeOf(f);
				return [
					...(STATEMENT_CALL.test(code) ? [`${rel(f)}: runs a statement`] : []),
					...(SQL_TEXT.test(code) ? [`${rel(f)}: holds SQL text`] : [])
				];
			});
		expect(bad).toEqual([]);
	});

	it('sync-server/ledger/ imports nothing from reconciliation/ (reconciliation may import the ledger)', () => {
		const bad = sources(join(SERVER, 'ledger')).flatMap((f) =>
			[...readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)]
				.map((m) => m[1]!)
				.filter((spec) => /(^|\/)reconciliation\//.test(spec))
				.map((spec) => `${rel(f)} → ${spec}`)
		);
		expect(bad).toEqual([]);
	});
});
