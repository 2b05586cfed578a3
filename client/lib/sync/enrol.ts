import { decodeEnrolmentCode } from '#shared/protocol/enrolment-code';
import { generateKeyPairs } from '#shared/protocol/keys';
import { toB64 } from '#shared/protocol/bytes';
import { DEFAULT_DEVICE_POLICY, parsePolicy, type DevicePolicy } from '#shared/protocol/messages';
import type { StationIdentity } from '../storage/identity';

export type EnrolResult = { ok: true; identity: StationIdentity } | { ok: false; code: string; message?: string };

/**
 * Redeems a one-time enrolment code: the device makes its own key pairs (the secrets never
 * leave it), registers the public halves, and pins the server keys carried by the code.
 */
export async function enrolDevice(codeText: string, fetchImpl: typeof fetch = fetch): Promise<EnrolResult> {
	const code = decodeEnrolmentCode(codeText);
	if (!code) return { ok: false, code: 'CODE_FORMAT' };
	const keys = generateKeyPairs();
	let response: Response;
	try {
		response = await fetchImpl(new URL('/api/enrol', code.serverUrl), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				enrolmentId: code.enrolmentId,
				secret: code.secret,
				boxPublic: toB64(keys.box.publicKey),
				signPublic: toB64(keys.sign.publicKey)
			})
		});
	} catch {
		return { ok: false, code: 'NETWORK' };
	}
	const body = (await response.json().catch(() => null)) as
		| { deviceId: string; municipality: string; setting: 'mass' | 'clinic'; siteCode: string; label: string }
		| { error: { code: string; message: string } }
		| null;
	if (!response.ok || !body || 'error' in body) {
		return {
			ok: false,
			code: body && 'error' in body ? body.error.code : `HTTP_${response.status}`,
			message: body && 'error' in body ? body.error.message : undefined
		};
	}
	return {
		ok: true,
		identity: {
			deviceId: body.deviceId,
			keys,
			serverKeys: code.serverKeys,
			serverUrl: code.serverUrl,
			municipality: body.municipality,
			setting: body.setting,
			siteCode: body.siteCode,
			label: body.label
		}
	};
}

/**
 * The deployment's device policy, read before enrolling (GET /api/device-policy), so the first
 * operator's PIN is checked against its minimum length before the one-time code is spent. A
 * server older than that route answers 404: its policy is the default one.
 */
export async function fetchDevicePolicy(
	codeText: string,
	fetchImpl: typeof fetch = fetch
): Promise<{ ok: true; policy: DevicePolicy } | { ok: false; code: string }> {
	const code = decodeEnrolmentCode(codeText);
	if (!code) return { ok: false, code: 'CODE_FORMAT' };
	let response: Response;
	try {
		response = await fetchImpl(new URL('/api/device-policy', code.serverUrl));
	} catch {
		return { ok: false, code: 'NETWORK' };
	}
	if (response.status === 404) return { ok: true, policy: DEFAULT_DEVICE_POLICY };
	try {
		const body = (await response.json()) as { policy?: unknown };
		if (!response.ok) return { ok: false, code: `HTTP_${response.status}` };
		return { ok: true, policy: parsePolicy(JSON.stringify(body.policy)) };
	} catch {
		return { ok: false, code: 'POLICY_MALFORMED' };
	}
}
