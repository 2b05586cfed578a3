import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '#shared/errors/catalogue';
import { UPDATE_REFUSAL_CODES } from '#shared/protocol/refusals';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVER = join(ROOT, 'sync-server');

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const path = join(dir, e.name);
		if (e.isDirectory()) return sources(path);
		return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
	});
}

const CODE = String.raw`[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}`;
/** The shapes in which the server's code names an error it sends. */
const SHAPES = [
	// apiError(c, 409, 'LOT_IN_USE', '…'), refuse('BAD_HEADER', `…`), err('lot', 'LOT_FORMAT', '…'): a code then its message
	new RegExp(String.raw`'(${CODE})'\s*,\s*[\`']`, 'g'),
	// { code: 'ITEM_UNKNOWN', … }, { error: 'ENROLMENT_EXPIRED' }
	new RegExp(String.raw`\b(?:code|error):\s*'(${CODE})'`, 'g'),
	// r.code === 'ACCOUNT_LOCKED'
	new RegExp(String.raw`\bcode\s*[!=]==?\s*'(${CODE})'`, 'g'),
	// message tables: PASSWORD_TOO_SHORT: 'パスワードは…'
	new RegExp(String.raw`^\s*(${CODE}):\s*[\`']`, 'gm')
];
// code: 'ENCODING' | 'MY_NUMBER' | …, and type EnrolmentError = 'ENROLMENT_UNKNOWN' | …
const UNIONS = new RegExp(String.raw`(?:\bcode:|=)\s*((?:'(?:${CODE})'\s*\|\s*)+'(?:${CODE})')`, 'g');

/** Upper-case strings the shapes also find that are no error code of the API. */
const NOT_CODES = new Set([
	'ARRAY', // a PostgreSQL column type (scan-my-number.ts)
	'COOKIE_SECURE', // an environment variable (config.ts)
	'EEXIST', // Node's file and socket error codes (key-file.ts, ledger/errors.ts)
	'ENOENT',
	'ENOSPC',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'GET', // an HTTP method
	'GTIN' // a CSV column heading
]);

function codesTheServerSends(): Map<string, Set<string>> {
	const found = new Map<string, Set<string>>();
	const add = (code: string, file: string) =>
		(found.get(code) ?? found.set(code, new Set()).get(code)!).add(relative(ROOT, file));
	for (const file of sources(SERVER)) {
		const text = readFileSync(file, 'utf8');
		for (const shape of SHAPES) for (const m of text.matchAll(shape)) add(m[1]!, file);
		for (const m of text.matchAll(UNIONS)) for (const c of m[1]!.matchAll(/'([A-Z0-9_]+)'/g)) add(c[1]!, file);
	}
	for (const code of UPDATE_REFUSAL_CODES) add(code, 'shared/protocol/refusals.ts');
	for (const code of NOT_CODES) found.delete(code);
	return found;
}

describe('the error catalogue (shared/errors/catalogue.ts)', () => {
	const sent = codesTheServerSends();

	it('finds the codes in the server source (the walk itself works)', () => {
		for (const known of [
			'LOT_IN_USE',
			'SESSION_REQUIRED',
			'EVENT_SCHEMA',
			'PASSWORD_TOO_SHORT',
			'ENROLMENT_EXPIRED',
			'CSV_MALFORMED',
			'ITEM_NOT_OPEN'
		])
			expect(sent.has(known), known).toBe(true);
		expect(sent.size).toBeGreaterThan(90);
	});

	it('has a Japanese and an English text for every code the server can send', () => {
		const missing = [...sent]
			.filter(([code]) => !Object.hasOwn(ERROR_TEXT, code))
			.map(([code, files]) => `${code} (${[...files].join(', ')})`);
		expect(missing).toEqual([]);
	});

	it('each text is a real sentence: Japanese in Japanese, English without Japanese', () => {
		for (const [code, text] of Object.entries(ERROR_TEXT)) {
			expect(text.ja, code).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
			expect(text.en, code).toMatch(/^[^\u3040-\u30ff\u4e00-\u9fff]+$/);
			expect(text.ja, code).not.toContain(code);
			expect(text.en, code).not.toContain(code);
		}
	});

	it('one wording per meaning: no two codes share a Japanese text unless they mean the same', () => {
		const byText = new Map<string, string[]>();
		for (const [code, text] of Object.entries(ERROR_TEXT)) byText.set(text.ja, [...(byText.get(text.ja) ?? []), code]);
		const shared = [...byText.values()].filter((codes) => codes.length > 1);
		expect(shared).toEqual([]);
	});
});
