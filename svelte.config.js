import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** The PWA is a static SPA under client/, built into build/ and served by the sync server. */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
		files: {
			src: 'client',
			routes: 'client/routes',
			lib: 'client/lib',
			appTemplate: 'client/app.html',
			errorTemplate: 'client/error.html',
			assets: 'client/static',
			serviceWorker: 'client/service-worker',
			hooks: { client: 'client/hooks.client', server: 'client/hooks.server', universal: 'client/hooks' },
			params: 'client/params'
		},
		// One type-check for everything: the server is checked with the same strict settings.
		typescript: {
			config: (tsconfig) => {
				tsconfig.include.push('../sync-server/**/*.ts', '../shared/**/*.ts');
				return tsconfig;
			}
		},
		// The service worker is registered by the app itself so it can offer updates.
		serviceWorker: { register: false },
		version: { pollInterval: 0 }
	}
};

export default config;
