import * as v from 'valibot';
import { fromB64, toB64 } from './bytes';
import type { PublicKeys } from './keys';

/**
 * The one-time enrolment code the back office shows as a QR code and as text. It carries the
 * server's URL and public keys, which the device pins: a server that later presents other keys
 * is refused, so a spoofed network cannot impersonate the ledger.
 */
export interface EnrolmentCode {
	serverUrl: string;
	enrolmentId: string;
	secret: string;
	serverKeys: PublicKeys;
}

const PREFIX = 'VXE1.';

const Payload = v.strictObject({
	u: v.pipe(v.string(), v.url()),
	e: v.pipe(v.string(), v.uuid()),
	s: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
	b: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
	k: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/))
});

export function encodeEnrolmentCode(c: EnrolmentCode): string {
	const json = JSON.stringify({
		u: c.serverUrl,
		e: c.enrolmentId,
		s: c.secret,
		b: toB64(c.serverKeys.box),
		k: toB64(c.serverKeys.sign)
	});
	return PREFIX + toB64(new TextEncoder().encode(json));
}

export function decodeEnrolmentCode(text: string): EnrolmentCode | null {
	const trimmed = text.trim();
	if (!trimmed.startsWith(PREFIX)) return null;
	try {
		const json: unknown = JSON.parse(
			new TextDecoder('utf-8', { fatal: true }).decode(fromB64(trimmed.slice(PREFIX.length)))
		);
		const parsed = v.safeParse(Payload, json);
		if (!parsed.success) return null;
		const p = parsed.output;
		return { serverUrl: p.u, enrolmentId: p.e, secret: p.s, serverKeys: { box: fromB64(p.b), sign: fromB64(p.k) } };
	} catch {
		return null;
	}
}
