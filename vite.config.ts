/// <reference types="vitest/config" />
// Vitest's options are typed by the reference above, not imported: `npm start` builds with this
// file after `npm ci --omit=dev`, where vitest is not installed.
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { officeOnlyList } from './client/build/office-only-files.ts';

const syncServer = process.env.SYNC_SERVER_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
	// officeOnlyList: the files the station's service worker must not precache (the office's).
	plugins: [sveltekit(), officeOnlyList()],
	server: {
		// `npm run dev`: the client dev server forwards the API and the sync socket.
		proxy: {
			'/api': syncServer,
			'/healthz': syncServer,
			'/readyz': syncServer,
			'/sync': { target: syncServer.replace(/^http/, 'ws'), ws: true }
		}
	},
	test: {
		include: [
			'shared/**/*.test.ts',
			'sync-server/**/*.test.ts',
			'client/**/*.test.ts',
			'test/integration/**/*.test.ts',
			'test/contract/**/*.test.ts',
			'test/layout/**/*.test.ts'
		],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: 'forks'
	}
});
