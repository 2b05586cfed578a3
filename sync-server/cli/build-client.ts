import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

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

/**
 * Lines of the build's output that would mislead the person running `npm start`: SvelteKit
 * tells them to run `npm run preview`, a script this project does not have (npm start serves the
 * build itself).
 */
export function isMisleadingBuildLine(line: string): boolean {
	// Terminal colour codes may sit between the words.
	return /npm run preview/.test(line.replace(/\x1b\[[0-9;]*m/g, ''));
}

/** Runs `vite build` when the built PWA is missing or older than its sources. */
export async function buildClientIfStale(
	root = process.cwd(),
	log: (m: string) => void = console.log
): Promise<boolean> {
	if (!clientBuildIsStale(root)) return false;
	log('Building the client (vite build)…');
	await new Promise<void>((ok, fail) => {
		const child = spawn(
			process.execPath,
			[resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
			{
				cwd: root,
				stdio: ['ignore', 'pipe', 'inherit']
			}
		);
		createInterface({ input: child.stdout }).on('line', (line) => {
			if (line.trim() !== '' && !isMisleadingBuildLine(line)) log(line);
		});
		child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`vite build exited with ${code}`))));
	});
	return true;
}
