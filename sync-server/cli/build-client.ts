import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Everything the client build is made from. */
const SOURCES = ['client', 'shared', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
const STAMP = 'build/index.html';

function newestMtime(path: string): number {
	if (!existsSync(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return st.mtimeMs;
	let newest = st.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (entry === 'node_modules' || entry.startsWith('.')) continue;
		newest = Math.max(newest, newestMtime(join(path, entry)));
	}
	return newest;
}

export function clientBuildIsStale(root = process.cwd()): boolean {
	const stamp = resolve(root, STAMP);
	if (!existsSync(stamp)) return true;
	const built = statSync(stamp).mtimeMs;
	return SOURCES.some((s) => newestMtime(resolve(root, s)) > built);
}

/** Runs `vite build` when the built PWA is missing or older than its sources. */
export async function buildClientIfStale(root = process.cwd(), log: (m: string) => void = console.log): Promise<boolean> {
	if (!clientBuildIsStale(root)) return false;
	log('Building the client (vite build)…');
	await new Promise<void>((ok, fail) => {
		const child = spawn(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
			cwd: root,
			stdio: 'inherit'
		});
		child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`vite build exited with ${code}`))));
	});
	return true;
}
