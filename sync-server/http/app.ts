import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { KeyPairs } from '../../shared/protocol/keys';
import type { Config } from '../config';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../logger';
import type { DeviceConnections } from '../transport/device-connections';
import { requireAdminToken } from './admin-auth';
import { deviceRoutes } from './device-routes';
import { enrolRoutes } from './enrol-routes';
import { lotRoutes } from './lot-routes';
import { apiError } from './errors';

export interface AppDeps {
	config: Config;
	ledger: Ledger;
	serverKeys: KeyPairs;
	log: Logger;
	connections: DeviceConnections;
}

/** One origin: the API under /api/, /healthz, and the built PWA for everything else. */
export function createApp(deps: AppDeps): Hono {
	const app = new Hono();

	app.get('/healthz', (c) => c.json({ status: 'ok', ledger: deps.ledger.db.backend, municipality: deps.config.municipality }));

	const api = new Hono();
	api.use(bodyLimit({ maxSize: 1024 * 1024, onError: (c) => apiError(c, 413, 'BODY_TOO_LARGE', 'the request body exceeds 1 MiB') }));
	api.route('/', enrolRoutes(deps));
	api.use('/admin/devices/*', requireAdminToken(deps.config.adminToken));
	api.use('/admin/devices', requireAdminToken(deps.config.adminToken));
	api.route('/admin/devices', deviceRoutes(deps));
	api.use('/admin/lots', requireAdminToken(deps.config.adminToken));
	api.route('/admin/lots', lotRoutes(deps));
	api.all('*', (c) => apiError(c, 404, 'NOT_FOUND', 'no such API route'));
	app.route('/api', api);

	app.onError((error, c) => {
		deps.log.error('request failed', { path: c.req.path, error: String(error) });
		return apiError(c, 500, 'INTERNAL', 'internal error');
	});

	const root = deps.config.staticDir;
	if (existsSync(root)) {
		app.use(
			'*',
			serveStatic({
				root,
				onFound: (path, c) => {
					// Hashed build assets never change; everything else (index, service worker,
					// manifest) must be revalidated so a deployment reaches devices.
					c.header('Cache-Control', path.includes('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache');
				}
			})
		);
	}
	// SPA fallback: client-side routes load the app shell.
	app.use('*', async (c, next) => {
		if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
		const index = join(root, 'index.html');
		if (!existsSync(index)) return c.text('The client is not built: run `npm run build` (npm start does this).', 503);
		return serveStatic({ path: index, onFound: (_p, ctx) => ctx.header('Cache-Control', 'no-cache') })(c, next);
	});
	return app;
}
