import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { toB64 } from './bytes';
import { decodeEnrolmentCode, encodeEnrolmentCode } from './enrolment-code';

describe('enrolment code', () => {
	const code = {
		serverUrl: 'https://sync.example.lg.jp',
		enrolmentId: '0b9f6a43-3a3e-4c1e-9d5e-2f7d3b1c5a10',
		secret: toB64(nacl.randomBytes(32)),
		serverKeys: { box: nacl.box.keyPair().publicKey, sign: nacl.sign.keyPair().publicKey }
	};

	it('round-trips, tolerating surrounding whitespace from a paste', () => {
		expect(decodeEnrolmentCode(`  ${encodeEnrolmentCode(code)}\n`)).toEqual(code);
	});

	it('rejects other prefixes, broken payloads and wrong key sizes', () => {
		const text = encodeEnrolmentCode(code);
		expect(decodeEnrolmentCode(text.replace('VXE1.', 'VXE2.'))).toBeNull();
		expect(decodeEnrolmentCode(text.slice(0, -5))).toBeNull();
		expect(decodeEnrolmentCode('VXE1.!!!')).toBeNull();
		expect(
			decodeEnrolmentCode(encodeEnrolmentCode({ ...code, serverKeys: { ...code.serverKeys, box: new Uint8Array(16) } }))
		).toBeNull();
		expect(decodeEnrolmentCode(encodeEnrolmentCode({ ...code, serverUrl: 'not a url' }))).toBeNull();
	});
});
