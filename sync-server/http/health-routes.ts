import { Hono } from 'hono';
import { isDiskFull, isRetryableLedgerError } from '../ledger/errors';
import type { AppDeps } from './app';

/** An API request the ledger could not serve now: 503 with a code the office shows, never a 500. */
export function retryableApiError(e: unknown): { code: 'LEDGER_FULL' | 'LEDGER_UNAVAILABLE'; message: string } | null {
	if (!isRetryableLedgerError(e)) return null;
	return isDiskFull(e)
		? {
				code: 'LEDGER_FULL',
				message:
					'台帳のディスクの空きが不足しているため保存できませんでした。何も変更されていません。空きができてからやり直してください。'
			}
		: {
				code: 'LEDGER_UNAVAILABLE',
				message: '台帳が一時的に応答していません。しばらくしてから、結果を確かめてやり直してください。'
			};
}

/**
 * /healthz: liveness — the process answers (the ledger works in its own thread, so this answers
 * even while the ledger is stuck). /readyz: readiness for a balancer — 200 when the ledger
 * answers a query within READY_TIMEOUT_SECONDS, its disk is above DISK_FREE_MIN_MB and (on
 * PostgreSQL) the notice connection is up; 503 otherwise, with each part saying what is wrong.
 */
export function healthRoutes(deps: Pick<AppDeps, 'ledger' | 'config' | 'readiness'>): Hono {
	const app = new Hono();
	app.get('/healthz', (c) =>
		c.json({ status: 'ok', ledger: deps.ledger.db.backend, municipality: deps.config.municipality })
	);
	app.get('/readyz', async (c) => {
		c.header('cache-control', 'no-store');
		if (!deps.readiness) return c.json({ status: 'ready' });
		const r = await deps.readiness();
		const { ready, ...checks } = r;
		return c.json({ status: ready ? 'ready' : 'not_ready', ...checks }, ready ? 200 : 503);
	});
	return app;
}
