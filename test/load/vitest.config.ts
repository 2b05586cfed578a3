import { resolve } from 'node:path';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:load`: the load suite, kept out of `npm test` because it takes minutes of both
 * cores. One file at a time, so the figures are not disturbed by another suite.
 */
export default defineConfig({
	root: resolve(import.meta.dirname, '../..'),
	// As in the root config: it writes .svelte-kit/tsconfig.json, which tsconfig.json extends.
	plugins: [sveltekit()],
	test: {
		include: ['test/load/**/*.test.ts'],
		environment: 'node',
		testTimeout: 600_000,
		hookTimeout: 120_000,
		pool: 'forks',
		fileParallelism: false
	}
});
