import { Hono } from 'hono';
import * as v from 'valibot';
import { isSiteCode } from '#shared/index';
import { fromB64 } from '#shared/protocol/bytes';
import { encodeEnrolmentCode } from '#shared/protocol/enrolment-code';
import type { Config } from '../config';
import type { Ledger } from '../ledger/ledger';
import { appendAudit } from '../audit/audit-log';
import { actorOf } from '../office/accounts';
import { KeyedRateLimiter } from '../transport/rate-limit';
import { requestAddress } from './client-address';
import { apiError, readJson } from './errors';
import type { OfficeEnv } from './office/guard';
import { qrSvg } from './qr';

const key = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte base64url key'));
const EnrolRequest = v.strictObject({
	enrolmentId: v.pipe(v.string(), v.uuid()),
	secret: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
	boxPublic: key,
	signPublic: key
});
const NewEnrolment = v.strictObject({
	setting: v.picklist(['mass', 'clinic']),
	siteCode: v.pipe(v.string(), v.check(isSiteCode, 'siteCode: 1–20 letters, digits, _ or -')),
	label: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
	ttlMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(60 * 24 * 7)))
});

const ENROL_ERRORS = {
	ENROLMENT_UNKNOWN: 'この登録コードは無効です。',
	ENROLMENT_USED: 'この登録コードは使用済みです。新しいコードを発行してください。',
	ENROLMENT_EXPIRED: 'この登録コードは有効期限切れです。新しいコードを発行してください。'
} as const;

/** The admin issues a one-time enrolment code (shown as a QR code). Mounted behind the admin guard. */
export function enrolmentRoutes(deps: { ledger: Ledger; config: Config }) {
	const app = new Hono<OfficeEnv>();

	app.post('/', async (c) => {
		const body = await readJson(c, NewEnrolment);
		if (!body.ok) return body.response;
		const e = body.value;
		const created = await deps.ledger.createEnrolment(
			{
				municipality: deps.config.municipality,
				setting: e.setting,
				siteCode: e.siteCode,
				label: e.label,
				ttlMs: (e.ttlMinutes ?? deps.config.enrolmentTtlMinutes) * 60_000
			},
			(tx) =>
				appendAudit(tx, {
					actor: actorOf(c.var.user),
					action: 'device.enrolment.issue',
					target: e.siteCode,
					detail: { setting: e.setting, label: e.label }
				})
		);
		const code = encodeEnrolmentCode({
			serverUrl: new URL(c.req.url).origin,
			enrolmentId: created.id,
			secret: created.secret,
			// The current generation's public keys (read with the enrolment, so a rotation made by the
			// CLI or another process is what new devices pin).
			serverKeys: created.serverKeys
		});
		return c.json(
			{ enrolmentId: created.id, code, qrSvg: qrSvg(code), expiresAt: created.expiresAt.toISOString() },
			201
		);
	});
	return app;
}

/**
 * Failed redemptions allowed per remote address: a burst (a person mistyping a code a few
 * times), then one every 30 s. Only failures count, so a venue enrolling all its tablets from
 * behind one NAT is never held up; someone guessing codes (or probing enrolment ids) is.
 */
export const ENROL_FAILURE_BURST = 10;
export const ENROL_FAILURES_PER_SECOND = 1 / 30;

/** A device redeems a one-time enrolment code with its public keys (no session: the code is the credential). */
export function deviceEnrolRoutes(deps: { ledger: Ledger; config: Pick<Config, 'trustProxy' | 'devicePolicy'> }) {
	const app = new Hono();

	// What a station must know before it enrols, such as the shortest PIN it may set for its
	// first operator (checked before the one-time code is spent). No secret: the same policy
	// reaches every device in its welcome.
	app.get('/device-policy', (c) => c.json({ policy: deps.config.devicePolicy }));
	const failures = new KeyedRateLimiter(ENROL_FAILURE_BURST, ENROL_FAILURES_PER_SECOND);

	app.post('/enrol', async (c) => {
		const address = requestAddress(c, deps.config.trustProxy);
		// Checked before the code is: a guesser learns nothing more once limited.
		if (failures.exhausted(address))
			return apiError(c, 429, 'RATE_LIMITED', '登録の試行が多すぎます。しばらく待ってから再度お試しください。');
		const body = await readJson(c, EnrolRequest);
		if (!body.ok) {
			failures.take(address);
			return body.response;
		}
		const r = body.value;
		const result = await deps.ledger.enrolDevice(r.enrolmentId, r.secret, {
			box: fromB64(r.boxPublic),
			sign: fromB64(r.signPublic)
		});
		if (!result.ok) {
			failures.take(address);
			return apiError(c, result.error === 'ENROLMENT_UNKNOWN' ? 404 : 410, result.error, ENROL_ERRORS[result.error]);
		}
		const d = result.device;
		return c.json(
			{ deviceId: d.id, municipality: d.municipality, setting: d.setting, siteCode: d.siteCode, label: d.label },
			201
		);
	});

	return app;
}
