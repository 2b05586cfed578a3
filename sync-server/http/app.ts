import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from '../config';
import type { Ledger } from '../ledger/ledger';
import type { Catalogs } from '../catalog/catalogs';
import type { Logger } from '../logger';
import type { DeviceConnections } from '../transport/device-connections';
import type { Accounts } from '../office/accounts';
import { CAN } from '#shared/office/roles';
import { deviceRoutes } from './device-routes';
import { deviceEnrolRoutes, enrolmentRoutes } from './enrol-routes';
import { lotRoutes } from './lot-routes';
import { apiError } from './errors';
import { myNumberJsonDoor, myNumberRequestDoor } from './my-number-door';
import { authRoutes } from './office/auth-routes';
import { officeSession, requireRole, type OfficeEnv } from './office/guard';
import { userRoutes } from './office/user-routes';
import { exportRoutes } from './office/export-routes';
import { lotMasterRoutes } from './office/lot-master-routes';
import { catalogRoutes } from './office/catalog-routes';
import { batchRoutes } from './office/batch-routes';
import { reconciliationRoutes } from './office/reconciliation-routes';
import { ticketRoutes } from './office/ticket-routes';
import type { Reconciler } from '../reconciliation/reconciler';
import { auditRoutes } from './office/audit-routes';
import { dashboardRoutes } from './office/dashboard-routes';
import { isRegisterUpload, registerRoutes } from './office/register-routes';
import { healthRoutes, retryableApiError } from './health-routes';
import type { DiskGuard } from '../ledger/disk-guard';
import type { Readiness } from '../ledger/health';

export interface AppDeps {
	config: Config;
	ledger: Ledger;
	/** The stored vaccine catalogue versions (sync-server/catalog). */
	catalogs: Catalogs;
	log: Logger;
	connections: DeviceConnections;
	accounts: Accounts;
	/** First-run: the one-time token that may create the first admin, while no account exists. */
	setup: { token: () => string | null; done: () => void };
	/** Reconciliation rules after each committed update and on demand. */
	reconciler: Reconciler;
	/** What /readyz reports (ledger answering, disk above the threshold, notices connected). */
	readiness?: () => Promise<Readiness>;
	/** Where ledger failures that will pass are noted (said once a minute, a full disk latched). */
	troubles?: Pick<DiskGuard, 'noteFailure'>;
}

/** One origin: the API under /api/, /healthz, and the built PWA for everything else. */
export function createApp(deps: AppDeps): Hono {
	const app = new Hono();

	// The My Number guard's front door: path, query and headers of every request, before routing.
	app.use(myNumberRequestDoor);

	app.route('/', healthRoutes(deps));

	const api = new Hono<OfficeEnv>();
	const apiBodyLimit = bodyLimit({
		maxSize: 1024 * 1024,
		onError: (c) => apiError(c, 413, 'BODY_TOO_LARGE', 'the request body exceeds 1 MiB')
	});
	// The register upload (3–4 MB for 100,000 rows) applies its own, larger limit after its role check.
	api.use((c, next) => (isRegisterUpload(c.req.method, c.req.path) ? next() : apiBodyLimit(c, next)));
	// The My Number guard's front door for JSON bodies (the register upload is CSV, read cell by cell).
	api.use((c, next) => (isRegisterUpload(c.req.method, c.req.path) ? next() : myNumberJsonDoor(c, next)));
	// Devices: enrolment with a one-time code (the sync itself is the WebSocket on /sync).
	api.route('/', deviceEnrolRoutes(deps));
	// Back office: login and the session (the router guards its own routes after login).
	api.route(
		'/office/auth',
		authRoutes({
			accounts: deps.accounts,
			cookieSecure: deps.config.cookieSecure,
			loginLimit: { burst: deps.config.loginBurst, perMinute: deps.config.loginsPerMinute },
			trustProxy: deps.config.trustProxy,
			setupToken: deps.setup.token,
			onSetupDone: deps.setup.done
		})
	);

	// Everything below needs a live session; each router names the roles of its routes.
	const session = officeSession(deps.accounts, deps.config.cookieSecure);
	api.use('/office/*', session);
	api.use('/admin/*', session, requireRole(CAN.administer));
	api.route('/admin/enrolments', enrolmentRoutes(deps));
	api.route('/admin/devices', deviceRoutes(deps));
	api.route('/admin/lots', lotRoutes(deps));
	api.route('/office/users', userRoutes(deps));
	// Back-office feature routers (mounted under /office/…; each checks roles per route):
	api.route('/office/exports', exportRoutes(deps));
	api.route('/office', lotMasterRoutes(deps));
	api.route('/office', catalogRoutes(deps));
	api.route('/office/batches', batchRoutes(deps));
	api.route('/office/reconciliation', reconciliationRoutes(deps));
	api.route('/office/tickets', ticketRoutes(deps));
	api.route('/office/audit', auditRoutes(deps));
	api.route('/office/dashboard', dashboardRoutes(deps));
	api.route('/office/register', registerRoutes(deps));

	api.all('*', (c) => apiError(c, 404, 'NOT_FOUND', 'no such API route'));
	app.route('/api', api);

	app.onError((error, c) => {
		// A full disk or a ledger being reopened: nothing was changed, and trying later will do.
		const retry = retryableApiError(error);
		if (retry) {
			deps.troubles?.noteFailure(error);
			c.header('Retry-After', '30');
			return apiError(c, 503, retry.code, retry.message);
		}
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
					c.header(
						'Cache-Control',
						path.includes('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache'
					);
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
