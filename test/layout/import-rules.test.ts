import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server-process';

/** DESIGN §4: shared/ is pure; client/ and sync-server/ never import each other. */
function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
		return /\.(ts|svelte)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
	});
}
const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

describe('import rules', () => {
	it('shared/ imports no Node built-in, DOM module, client/ or sync-server/ code', () => {
		const bad = sources(join(ROOT, 'shared'))
			.filter((f) => !f.includes('/testing/'))
			.flatMap((f) => importsOf(f).filter((i) => i.startsWith('node:') || /(^|\/)(client|sync-server)\//.test(i) || i.startsWith('$lib')).map((i) => `${relative(ROOT, f)} → ${i}`));
		expect(bad).toEqual([]);
	});

	it('client/ and sync-server/ never import each other', () => {
		const bad = [
			...sources(join(ROOT, 'client')).flatMap((f) => importsOf(f).filter((i) => i.includes('sync-server')).map((i) => `${relative(ROOT, f)} → ${i}`)),
			...sources(join(ROOT, 'sync-server')).flatMap((f) => importsOf(f).filter((i) => /(^|\/)client\//.test(i)).map((i) => `${relative(ROOT, f)} → ${i}`))
		];
		expect(bad).toEqual([]);
	});
});
