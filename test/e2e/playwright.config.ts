import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './chromium';

/**
 * End-to-end tests drive Debian's Chromium (never a downloaded browser) against the real
 * server, which each test starts itself. The client is built once in global setup.
 */
export default defineConfig({
	testDir: '.',
	testMatch: '**/*.spec.ts',
	globalSetup: './global-setup.ts',
	timeout: 120_000,
	expect: { timeout: 20_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		locale: 'ja-JP',
		timezoneId: 'Asia/Tokyo',
		viewport: { width: 1280, height: 800 },
		trace: 'retain-on-failure',
		launchOptions: CHROMIUM_LAUNCH
	}
});
