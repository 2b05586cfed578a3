import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server-process';

/**
 * Issue 16: Japan time is handled in one module, shared/domain/japan-time.ts (its zone name,
 * its offset, the day and the time of a moment). Elsewhere the zone is named through it, never
 * written out, and no code adds nine hours to a moment by hand.
 */
const HOME = 'shared/domain/japan-time.ts';
const BY_HAND = [
	/['"`]Asia\/Tokyo['"`]/,
	/\b9\s*\*\s*(3_?600_?000|3_?600|60\s*\*\s*60)\b/,
	/\b(32_?400_?000|32_?400)\b/
];

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
		return /\.(ts|svelte)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
	});
}

describe('Japan time in one place', () => {
	it('no product code outside japan-time.ts names the zone or adds nine hours itself', () => {
		const bad = ['client', 'shared', 'sync-server']
			.flatMap((d) => sources(join(ROOT, d)))
			.filter((f) => relative(ROOT, f) !== HOME)
			.flatMap((f) =>
				readFileSync(f, 'utf8')
					.split('\n')
					.flatMap((line, i) =>
						BY_HAND.some((p) => p.test(line)) ? [`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : []
					)
			);
		expect(bad).toEqual([]);
	});
});
