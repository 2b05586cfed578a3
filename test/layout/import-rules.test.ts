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
const importsOf = (file: string) =>
	[...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

describe('import rules', () => {
	it('shared/ imports no Node built-in, DOM module, client/ or sync-server/ code', () => {
		const bad = sources(join(ROOT, 'shared'))
			.filter((f) => !f.includes('/testing/'))
			.flatMap((f) =>
				importsOf(f)
					.filter((i) => i.startsWith('node:') || /(^|\/)(client|sync-server)\//.test(i) || i.startsWith('$lib'))
					.map((i) => `${relative(ROOT, f)} → ${i}`)
			);
		expect(bad).toEqual([]);
	});

	it('client/ and sync-server/ never import each other', () => {
		const bad = [
			...sources(join(ROOT, 'client')).flatMap((f) =>
				importsOf(f)
					.filter((i) => i.includes('sync-server'))
					.map((i) => `${relative(ROOT, f)} → ${i}`)
			),
			...sources(join(ROOT, 'sync-server')).flatMap((f) =>
				importsOf(f)
					.filter((i) => /(^|\/)client\//.test(i))
					.map((i) => `${relative(ROOT, f)} → ${i}`)
			)
		];
		expect(bad).toEqual([]);
	});

	it('client/, sync-server/ and test/ import shared/ one way: #shared/* (package.json "imports")', () => {
		const bad = ['client', 'sync-server', 'test'].flatMap((dir) =>
			sources(join(ROOT, dir)).flatMap((f) =>
				importsOf(f)
					.filter((i) => /^(\.\.?\/)+shared\/|^\$shared\//.test(i))
					.map((i) => `${relative(ROOT, f)} → ${i}`)
			)
		);
		expect(bad).toEqual([]);
	});
});

/** The npm package a bare import specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (spec: string) =>
	spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
const isPackage = (spec: string) => /^(@[a-z0-9._-]+\/)?[a-z0-9._-]+(\/[\w./-]*)?$/.test(spec) && !spec.startsWith('.');

describe('what npm start needs after npm ci --omit=dev', () => {
	it('every package the server, the shared code, the PWA and its build import is a dependency, not a devDependency', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
			dependencies: Record<string, string>;
		};
		const files = [
			...sources(join(ROOT, 'sync-server')),
			...sources(join(ROOT, 'shared')).filter((f) => !f.includes('/testing/')),
			...sources(join(ROOT, 'client')),
			join(ROOT, 'vite.config.ts'),
			join(ROOT, 'svelte.config.js')
		];
		const missing = new Set<string>();
		for (const f of files)
			for (const spec of importsOf(f))
				if (isPackage(spec) && !(packageOf(spec) in pkg.dependencies))
					missing.add(`${packageOf(spec)} (${relative(ROOT, f)})`);
		expect([...missing]).toEqual([]);
	});
});
