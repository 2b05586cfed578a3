import { Hono } from 'hono';
import * as v from 'valibot';
import { containsMyNumber, isSiteCode } from '../../shared/index';
import { fromB64 } from '../../shared/protocol/bytes';
import { encodeEnrolmentCode } from '../../shared/protocol/enrolment-code';
import type { KeyPairs } from '../../shared/protocol/keys';
import type { Config } from '../config';
import type { Ledger } from '../ledger/ledger';
import { requireAdminToken } from './admin-auth';
import { apiError, jsonBody } from './errors';
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

/** Device enrolment: the admin issues a one-time code, the device redeems it with its keys. */
export function enrolRoutes(deps: { ledger: Ledger; config: Config; serverKeys: KeyPairs }) {
	const app = new Hono();

	app.post('/admin/enrolments', requireAdminToken(deps.config.adminToken), async (c) => {
		const body = await jsonBody(c);
		if (body === undefined) return apiError(c, 400, 'BAD_JSON', 'the body is not valid JSON');
		if (containsMyNumber(body)) return apiError(c, 400, 'MY_NUMBER', '個人番号と思われる値が含まれています');
		const parsed = v.safeParse(NewEnrolment, body);
		if (!parsed.success) return apiError(c, 400, 'BAD_REQUEST', parsed.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`).join('; '));
		const e = parsed.output;
		const created = await deps.ledger.createEnrolment({
			municipality: deps.config.municipality,
			setting: e.setting,
			siteCode: e.siteCode,
			label: e.label,
			ttlMs: (e.ttlMinutes ?? deps.config.enrolmentTtlMinutes) * 60_000
		});
		const code = encodeEnrolmentCode({
			serverUrl: new URL(c.req.url).origin,
			enrolmentId: created.id,
			secret: created.secret,
			serverKeys: { box: deps.serverKeys.box.publicKey, sign: deps.serverKeys.sign.publicKey }
		});
		return c.json({ enrolmentId: created.id, code, qrSvg: qrSvg(code), expiresAt: created.expiresAt.toISOString() }, 201);
	});

	app.post('/enrol', async (c) => {
		const body = await jsonBody(c);
		if (body === undefined) return apiError(c, 400, 'BAD_JSON', 'the body is not valid JSON');
		const parsed = v.safeParse(EnrolRequest, body);
		if (!parsed.success) return apiError(c, 400, 'BAD_REQUEST', parsed.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`).join('; '));
		const r = parsed.output;
		const result = await deps.ledger.enrolDevice(r.enrolmentId, r.secret, { box: fromB64(r.boxPublic), sign: fromB64(r.signPublic) });
		if (!result.ok) return apiError(c, result.error === 'ENROLMENT_UNKNOWN' ? 404 : 410, result.error, ENROL_ERRORS[result.error]);
		const d = result.device;
		return c.json({ deviceId: d.id, municipality: d.municipality, setting: d.setting, siteCode: d.siteCode, label: d.label }, 201);
	});

	return app;
}
