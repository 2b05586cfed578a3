import { Hono } from 'hono';
import * as v from 'valibot';
import { daysBetween, isIsoDate } from '#shared/domain/dates';
import { japanMidnight } from '#shared/domain/japan-time';
import { CAN } from '#shared/office/roles';
import { listAudit, verifyAuditChain } from '../../audit/audit-log';
import { auditActors } from '../../ledger/audit-actors';
import type { Ledger } from '../../ledger/ledger';
import { apiError } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 500;

const day = v.pipe(v.string(), v.check(isIsoDate, 'must be a date YYYY-MM-DD'));
const positiveInt = (max: number) =>
	v.pipe(
		v.string(),
		v.regex(/^[1-9]\d{0,15}$/, 'must be a positive integer'),
		v.transform(Number),
		v.maxValue(max, `must be at most ${max}`)
	);

/** Query of the audit list; every parameter optional, unknown ones refused (a typo is not silently ignored). */
const AuditQuery = v.strictObject({
	action: v.optional(
		v.pipe(v.string(), v.regex(/^[a-z0-9._-]{1,100}$/, 'must be an action or its prefix (a–z, 0–9, . _ -)'))
	),
	actor: v.optional(v.pipe(v.string(), v.uuid('must be a user id (UUID)'))),
	target: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200, 'must be at most 200 characters'))),
	from: v.optional(day),
	to: v.optional(day),
	before: v.optional(positiveInt(Number.MAX_SAFE_INTEGER)),
	limit: v.optional(positiveInt(AUDIT_PAGE_MAX))
});

/** Start of a Japan calendar day as an instant (the office works in Japan time, the log in UTC). */
const jstMidnight = (date: string, plusDays = 0) => new Date(japanMidnight(date, plusDays)).toISOString();

/** The audit log, read-only: list with filters and paging, and the hash-chain check (supervisor, admin). */
export function auditRoutes(deps: { ledger: Ledger }) {
	const app = new Hono<OfficeEnv>();
	app.use('*', requireRole(CAN.audit));

	app.get('/', async (c) => {
		const parsed = v.safeParse(AuditQuery, c.req.query());
		if (!parsed.success)
			return apiError(
				c,
				400,
				'BAD_REQUEST',
				parsed.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`).join('; ')
			);
		const q = parsed.output;
		if (q.from && q.to && daysBetween(q.from, q.to) < 0)
			return apiError(c, 400, 'BAD_REQUEST', 'to: must not be before from');
		const limit = q.limit ?? AUDIT_PAGE_DEFAULT;
		const entries = await listAudit(deps.ledger.db, {
			action: q.action,
			actorId: q.actor,
			target: q.target,
			from: q.from ? jstMidnight(q.from) : undefined,
			// `to` is inclusive: the whole of that JST day.
			to: q.to ? jstMidnight(q.to, 1) : undefined,
			beforeSeq: q.before,
			limit
		});
		// Newest first: the next page is everything before the oldest entry shown.
		const nextBefore = entries.length === limit ? entries[entries.length - 1]!.seq : null;
		return c.json({ entries, nextBefore });
	});

	// The accounts that can appear as actors, for the viewer's filter (supervisors cannot list users).
	app.get('/actors', async (c) => {
		return c.json({ actors: await auditActors(deps.ledger) });
	});

	app.get('/verify', async (c) => c.json(await verifyAuditChain(deps.ledger.db)));
	return app;
}
