import fc from 'fast-check';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
	decodeHandshake,
	deriveSessionKeys,
	deviceProofBytes,
	encodeAuth,
	encodeChallenge,
	encodeHello,
	serverProofBytes
} from './handshake';

describe('handshake', () => {
	const device = { box: nacl.box.keyPair(), eph: nacl.box.keyPair() };
	const server = { box: nacl.box.keyPair(), eph: nacl.box.keyPair() };
	const transcript = {
		deviceId: 'd',
		deviceEphemeral: device.eph.publicKey,
		serverEphemeral: server.eph.publicKey,
		challenge: nacl.randomBytes(32)
	};

	it('gives both sides the same two direction keys', () => {
		const d = deriveSessionKeys({
			ownEphemeralSecret: device.eph.secretKey,
			peerEphemeralPublic: server.eph.publicKey,
			ownStaticBoxSecret: device.box.secretKey,
			peerStaticBoxPublic: server.box.publicKey,
			transcript
		});
		const s = deriveSessionKeys({
			ownEphemeralSecret: server.eph.secretKey,
			peerEphemeralPublic: device.eph.publicKey,
			ownStaticBoxSecret: server.box.secretKey,
			peerStaticBoxPublic: device.box.publicKey,
			transcript
		});
		expect(d).toEqual(s);
		expect(d.deviceToServer).not.toEqual(d.serverToDevice);
	});

	it('binds the keys to the static identities: a stranger derives other keys', () => {
		const stranger = nacl.box.keyPair();
		const d = deriveSessionKeys({
			ownEphemeralSecret: device.eph.secretKey,
			peerEphemeralPublic: server.eph.publicKey,
			ownStaticBoxSecret: stranger.secretKey,
			peerStaticBoxPublic: server.box.publicKey,
			transcript
		});
		const s = deriveSessionKeys({
			ownEphemeralSecret: server.eph.secretKey,
			peerEphemeralPublic: device.eph.publicKey,
			ownStaticBoxSecret: server.box.secretKey,
			peerStaticBoxPublic: device.box.publicKey,
			transcript
		});
		expect(d.deviceToServer).not.toEqual(s.deviceToServer);
	});

	it('separates what the server and the device sign', () => {
		expect(serverProofBytes(transcript)).not.toEqual(deviceProofBytes(transcript));
	});

	it('round-trips its messages and rejects anything else without throwing', () => {
		expect(decodeHandshake(encodeHello({ deviceId: 'abc', ephemeral: device.eph.publicKey }))).toMatchObject({
			type: 1,
			deviceId: 'abc'
		});
		expect(
			decodeHandshake(
				encodeChallenge({
					ephemeral: server.eph.publicKey,
					challenge: transcript.challenge,
					signature: new Uint8Array(64)
				})
			)
		).toMatchObject({ type: 2 });
		expect(decodeHandshake(encodeAuth(new Uint8Array(64)))).toMatchObject({ type: 3 });
		expect(decodeHandshake(encodeAuth(new Uint8Array(63)))).toBeNull();
		expect(decodeHandshake(encodeHello({ deviceId: 'abc', ephemeral: new Uint8Array(31) }))).toBeNull();
		fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void decodeHandshake(bytes)));
	});
});
