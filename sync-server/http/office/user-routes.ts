import { Hono } from 'hono';
import * as v from 'valibot';
import type { Accounts } from '../../office/accounts';
import { actorOf } from '../../office/accounts';
import { DISPLAY_NAME, PASSWORD, PASSWORD_MESSAGES, USERNAME } from '../../office/fields';
import { passwordProblem } from '../../office/passwords';
import { isUuid } from '#shared/index';
import { CAN, ROLES } from '#shared/office/roles';
import { apiError, readJson } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

const NewUser = v.strictObject({
	username: USERNAME,
	displayName: DISPLAY_NAME,
	role: v.picklist(ROLES),
	password: PASSWORD
});
const UserChange = v.strictObject({
	role: v.optional(v.picklist(ROLES)),
	displayName: v.optional(DISPLAY_NAME),
	disabled: v.optional(v.boolean())
});
const ResetPassword = v.strictObject({ password: PASSWORD });

/** Account administration (admin only). Mounted behind the session guard. */
export function userRoutes(deps: { accounts: Accounts }) {
	const app = new Hono<OfficeEnv>();
	app.use('*', requireRole(CAN.administer));

	app.get('/', async (c) => c.json({ users: await deps.accounts.list() }));

	app.post('/', async (c) => {
		const body = await readJson(c, NewUser);
		if (!body.ok) return body.response;
		const problem = passwordProblem(body.value.password);
		if (problem) return apiError(c, 400, problem, PASSWORD_MESSAGES[problem]);
		const user = await deps.accounts.create(body.value, actorOf(c.var.user));
		if (!user) return apiError(c, 409, 'USERNAME_TAKEN', 'このユーザー名は使われています。');
		return c.json({ user }, 201);
	});

	app.patch('/:id', async (c) => {
		const id = c.req.param('id');
		if (!isUuid(id)) return apiError(c, 400, 'BAD_REQUEST', 'user id must be a UUID');
		const body = await readJson(c, UserChange);
		if (!body.ok) return body.response;
		// An admin cannot lock themselves out by demoting or disabling their own account.
		if (id === c.var.user.id && (body.value.disabled || (body.value.role && body.value.role !== 'admin'))) {
			return apiError(c, 409, 'SELF_CHANGE', '自分自身の権限変更・無効化はできません。別の管理者に依頼してください。');
		}
		const user = await deps.accounts.update(id, body.value, actorOf(c.var.user));
		return user ? c.json({ user }) : apiError(c, 404, 'USER_UNKNOWN', 'no such user');
	});

	app.post('/:id/password', async (c) => {
		const id = c.req.param('id');
		if (!isUuid(id)) return apiError(c, 400, 'BAD_REQUEST', 'user id must be a UUID');
		const body = await readJson(c, ResetPassword);
		if (!body.ok) return body.response;
		const problem = passwordProblem(body.value.password);
		if (problem) return apiError(c, 400, problem, PASSWORD_MESSAGES[problem]);
		return (await deps.accounts.setPassword(id, body.value.password, actorOf(c.var.user)))
			? c.json({ ok: true })
			: apiError(c, 404, 'USER_UNKNOWN', 'no such user');
	});

	for (const [path, run] of [
		['unlock', (id: string, by: ReturnType<typeof actorOf>) => deps.accounts.unlock(id, by)],
		['totp/disable', (id: string, by: ReturnType<typeof actorOf>) => deps.accounts.disableTotp(id, by)]
	] as const) {
		app.post(`/:id/${path}`, async (c) => {
			const id = c.req.param('id');
			if (!isUuid(id)) return apiError(c, 400, 'BAD_REQUEST', 'user id must be a UUID');
			return (await run(id, actorOf(c.var.user)))
				? c.json({ ok: true })
				: apiError(c, 404, 'USER_UNKNOWN', 'no such user');
		});
	}
	return app;
}
