import { Hono } from 'hono';
import * as v from 'valibot';
import { isIsoDate, serviceDateOf } from '#shared/domain/dates';
import { CAN } from '#shared/office/roles';
import type { Ledger } from '../../ledger/ledger';
import { dashboard } from '../../office/dashboard';
import { apiError } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

const DashboardQuery = v.strictObject({
	day: v.optional(v.pipe(v.string(), v.check(isIsoDate, 'must be a date YYYY-MM-DD')))
});

/** Today's figures for everyone in the back office; `day` (JST) looks at another day. */
export function dashboardRoutes(deps: { ledger: Ledger; now?: () => Date }) {
	const app = new Hono<OfficeEnv>();
	app.use('*', requireRole(CAN.view));

	app.get('/', async (c) => {
		const parsed = v.safeParse(DashboardQuery, c.req.query());
		if (!parsed.success)
			return apiError(
				c,
				400,
				'BAD_REQUEST',
				parsed.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`).join('; ')
			);
		const day = parsed.output.day ?? serviceDateOf((deps.now?.() ?? new Date()).toISOString())!;
		return c.json(await dashboard(deps.ledger.db, day));
	});
	return app;
}
