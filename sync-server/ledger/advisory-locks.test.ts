import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADVISORY_LOCKS } from './advisory-locks';

const SERVER = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sources(path);
		return /\.(ts|sql)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
	});
}

describe('advisory locks', () => {
	it('have distinct ids', () => {
		const ids = Object.values(ADVISORY_LOCKS);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('are taken only by name: no lock id written as a literal at a call site', () => {
		const literal = /pg_advisory\w*\(\s*\d/;
		const bad = sources(SERVER)
			.filter((f) => literal.test(readFileSync(f, 'utf8')))
			.map((f) => relative(SERVER, f));
		expect(bad).toEqual([]);
	});
});
