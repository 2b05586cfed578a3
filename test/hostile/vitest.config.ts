import { resolve } from 'node:path';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:hostile`: hostile input against the real server (in-process, real sockets,
 * PGlite on disk), case by case: each gets its specific refusal, stores nothing, and the
 * server keeps serving a well-behaved device afterwards.
 */
export default defineConfig({
	root: resolve(import.meta.dirname, '../..'),
	// As in the root config: it writes .svelte-kit/tsconfig.json, which tsconfig.json extends.
	plugins: [sveltekit()],
	test: {
		include: ['test/hostile/**/*.test.ts'],
		environment: 'node',
		testTimeout: 120_000,
		hookTimeout: 120_000,
		pool: 'forks'
	}
});
