import { Hono } from 'hono';
import type { AppDeps } from './app';

/**
 * /healthz: liveness — the process answers (the ledger works in its own thread, so this answers
 * even while the ledger is stuck). /readyz: readiness for a balancer — 200 when the ledger
 * answers a query within READY_TIMEOUT_SECONDS, its disk is above DISK_FREE_MIN_MB and (on
 * PostgreSQL) the notice connection is up; 503 otherwise, with each part saying what is wrong.
 */
export function healthRoutes(deps: Pick<AppDeps, 'ledger' | 'config' | 'readiness'>): Hono {
	const app = new Hono();
	app.get('/healthz', (c) => c.json({ status: 'ok', ledger: deps.ledger.db.backend, municipality: deps.config.municipality }));
	app.get('/readyz', async (c) => {
		c.header('cache-control', 'no-store');
		if (!deps.readiness) return c.json({ status: 'ready' });
		const r = await deps.readiness();
		const { ready, ...checks } = r;
		return c.json({ status: ready ? 'ready' : 'not_ready', ...checks }, ready ? 200 : 503);
	});
	return app;
}
