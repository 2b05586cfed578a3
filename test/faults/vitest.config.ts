import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the server under faults (kill -9 during ingest, a network that cuts
 * and delays, PostgreSQL restarted), the fourth step of `npm test`. Its own config because it
 * starts many server processes and a private PostgreSQL cluster: one file at a time, so the
 * machine's cores are not shared among them and faults strike where the test means them to.
 */
export default defineConfig({
	test: {
		include: ['test/faults/**/*.test.ts'],
		environment: 'node',
		testTimeout: 180_000,
		hookTimeout: 60_000,
		pool: 'forks',
		fileParallelism: false
	}
});
