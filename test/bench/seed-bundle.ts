import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { ROOT } from '../helpers/server-process';

/**
 * The seeder (seed-station.ts) bundled for the page, with the app's `$shared` alias: evaluate
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
		logLevel: 'silent',
		plugins: [
			{
				name: 'shared-alias',
				setup(b) {
					b.onResolve({ filter: /^\$shared\// }, async (args) => b.resolve(`./${args.path.slice('$shared/'.length)}`, { kind: args.kind, resolveDir: join(ROOT, 'shared') }));
				}
			}
		]
	});
	return out.outputFiles[0]!.text;
}
