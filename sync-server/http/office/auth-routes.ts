import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import * as v from 'valibot';
import type { Accounts } from '../../office/accounts';
import { actorOf } from '../../office/accounts';
import { DISPLAY_NAME, PASSWORD, PASSWORD_MESSAGES, USERNAME } from '../../office/fields';
import { passwordProblem } from '../../office/passwords';
import { KeyedRateLimiter } from '../../transport/rate-limit';
import { requestAddress } from '../client-address';
import { apiError, readJson } from '../errors';
import { qrSvg } from '../qr';
import { clearSessionCookie, officeSession, setSessionCookie, type OfficeEnv } from './guard';

const Login = v.strictObject({
	username: v.pipe(v.string(), v.maxLength(100)),
	password: PASSWORD,
	totp: v.optional(v.pipe(v.string(), v.maxLength(10)))
});
const Setup = v.strictObject({ token: v.string(), username: USERNAME, displayName: DISPLAY_NAME, password: PASSWORD });
const ChangePassword = v.strictObject({ current: PASSWORD, next: PASSWORD });
const ConfirmTotp = v.strictObject({
	secret: v.pipe(v.string(), v.regex(/^[A-Z2-7]{32}$/)),
	code: v.pipe(v.string(), v.regex(/^\d{6}$/))
});

const LOGIN_MESSAGES = {
	INVALID_CREDENTIALS: 'ユーザー名またはパスワードが正しくありません。',
	TOTP_REQUIRED: '確認コード（認証アプリの6桁）を入力してください。',
	TOTP_INVALID: '確認コードが正しくないか、使用済みです。',
	ACCOUNT_LOCKED: 'ログインの失敗が続いたため、このアカウントは一時的にロックされています。',
	ACCOUNT_DISABLED: 'このアカウントは無効です。管理者に連絡してください。'
} as const;

export interface AuthDeps {
	accounts: Accounts;
	cookieSecure: boolean;
	loginLimit: { burst: number; perMinute: number };
	trustProxy: boolean;
	/** One-time first-run token while no account exists (printed on the console); null afterwards. */
	setupToken: () => string | null;
	onSetupDone: () => void;
}

/** Login, logout, the session, first-run setup, and the signed-in user's own password and TOTP. */
export function authRoutes(deps: AuthDeps) {
	const app = new Hono<OfficeEnv>();
	// Per address, on top of the per-account lockout: slows down guessing across many usernames.
	const attempts = new KeyedRateLimiter(deps.loginLimit.burst, deps.loginLimit.perMinute / 60);

	app.post('/login', async (c) => {
		if (!attempts.take(requestAddress(c, deps.trustProxy)))
			return apiError(c, 429, 'RATE_LIMITED', 'ログインの試行が多すぎます。しばらく待ってから再度お試しください。');
		const body = await readJson(c, Login);
		if (!body.ok) return body.response;
		const r = await deps.accounts.login(body.value.username, body.value.password, body.value.totp || undefined, {
			ip: requestAddress(c, deps.trustProxy)
		});
		if (!r.ok) {
			const status = r.code === 'ACCOUNT_LOCKED' ? 423 : 401;
			return c.json(
				{
					error: {
						code: r.code,
						message: LOGIN_MESSAGES[r.code],
						...(r.lockedUntil ? { lockedUntil: r.lockedUntil } : {})
					}
				},
				status
			);
		}
		setSessionCookie(c, r.token, deps.cookieSecure);
		return c.json({ user: r.user, csrfToken: r.csrfToken });
	});

	app.get('/setup', (c) => c.json({ needed: deps.setupToken() !== null }));

	app.post('/setup', async (c) => {
		const body = await readJson(c, Setup);
		if (!body.ok) return body.response;
		const expected = deps.setupToken();
		const given = Buffer.from(body.value.token);
		if (expected === null) return apiError(c, 409, 'SETUP_DONE', '初期設定は完了しています。');
		if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected)))
			return apiError(c, 403, 'SETUP_TOKEN', '初期設定トークンが正しくありません。');
		const problem = passwordProblem(body.value.password);
		if (problem) return apiError(c, 400, problem, PASSWORD_MESSAGES[problem]);
		const user = await deps.accounts.createFirstAdmin(body.value);
		if (!user) return apiError(c, 409, 'SETUP_DONE', '初期設定は完了しています。');
		deps.onSetupDone();
		return c.json({ user }, 201);
	});

	// Everything below needs a session.
	app.use('*', officeSession(deps.accounts, deps.cookieSecure));

	// The CSRF token goes only to pages of our own origin: no CORS headers, so no other site can read this.
	app.get('/session', (c) => c.json({ user: c.var.user, csrfToken: c.var.csrfToken }));

	app.post('/logout', async (c) => {
		await deps.accounts.logout(c.var.sessionToken, c.var.user);
		clearSessionCookie(c, deps.cookieSecure);
		return c.json({ ok: true });
	});

	app.post('/password', async (c) => {
		const body = await readJson(c, ChangePassword);
		if (!body.ok) return body.response;
		if (!(await deps.accounts.checkPassword(c.var.user.id, body.value.current)))
			return apiError(c, 403, 'INVALID_CREDENTIALS', '現在のパスワードが正しくありません。');
		const problem = passwordProblem(body.value.next);
		if (problem) return apiError(c, 400, problem, PASSWORD_MESSAGES[problem]);
		await deps.accounts.setPassword(c.var.user.id, body.value.next, actorOf(c.var.user));
		clearSessionCookie(c, deps.cookieSecure);
		return c.json({ ok: true });
	});

	app.post('/totp/begin', (c) => {
		const { secret, uri } = deps.accounts.newTotpSecret(c.var.user.username);
		return c.json({ secret, uri, qrSvg: qrSvg(uri) });
	});

	app.post('/totp/confirm', async (c) => {
		const body = await readJson(c, ConfirmTotp);
		if (!body.ok) return body.response;
		if (!(await deps.accounts.confirmTotp(c.var.user, body.value.secret, body.value.code)))
			return apiError(c, 400, 'TOTP_INVALID', LOGIN_MESSAGES.TOTP_INVALID);
		return c.json({ ok: true });
	});

	return app;
}
