import { build } from 'esbuild';
import { resolve } from 'node:path';

/**
 * The seeder (seed-station.ts) bundled for the page (esbuild follows package.json's `#shared/*`
 * imports on its own): evaluate
 * it, then `seedStation(staff, pin, count, offset)` stores `count` doses in today's batch.
 */
export async function seederBundle(): Promise<string> {
	const out = await build({
		entryPoints: [resolve(import.meta.dirname, 'seed-station.ts')],
		bundle: true,
		format: 'iife',
		platform: 'browser',
		target: 'es2022',
		write: false,
		logLevel: 'silent'
	});
	return out.outputFiles[0]!.text;
}
