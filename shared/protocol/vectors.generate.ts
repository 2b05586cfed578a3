/**
 * Writes the test vectors of PROTOCOL.md to standard output, from fixed inputs (no randomness):
 *
 *   node --import tsx shared/protocol/vectors.generate.ts > shared/protocol/test-vectors.json
 *
 * Run once; the JSON is committed and vectors.test.ts holds the code to it. Do not regenerate to
 * make that test pass: a changed byte is a change of the wire protocol (see PROTOCOL.md,
 * "Versioning"). Uses the code's own encoders; tweetnacl keys come from fixed seeds
 * (nacl.box.keyPair.fromSecretKey, nacl.sign.keyPair.fromSeed), frames from fixed nonces.
 */
import nacl from 'tweetnacl';
import * as Y from 'yjs';
import { messageYjsSyncStep1, messageYjsSyncStep2 } from 'y-protocols/sync';
import { BATCH_EVENTS } from '../domain/batch';
import { DEFAULT_VACCINE_CATALOG, parseVaccineCatalog } from '../domain/vaccines';
import { SAMPLE_BATCH, SAMPLE_DEVICE, sampleDose } from '../domain/testing/fixtures';
import { concatBytes, toB64, toHex, utf8 } from './bytes';
import { encodeEnrolmentCode } from './enrolment-code';
import { FRAME_SEALED, handshakeFrame } from './frame';
import {
	AUTH,
	CHALLENGE,
	HELLO,
	deriveSessionKeys,
	deviceProofBytes,
	encodeAuth,
	encodeChallenge,
	encodeHello,
	serverProofBytes,
	type Transcript
} from './handshake';
import type { KeyPairs } from './keys';
import * as M from './messages';
import { KEY_CHANGE_CONTEXT, keyChangeSigningBytes, type KeyCertificate } from './server-keys';
import { receiptSigningBytes, updateSigningBytes } from './signing';

/** 32 (or n) bytes counting up from `start`: fixed, distinct, easy to spot in a dump. */
const run = (start: number, n = 32) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

const boxPair = (secret: Uint8Array) => nacl.box.keyPair.fromSecretKey(secret);
const keyPairs = (boxSecret: Uint8Array, signSeed: Uint8Array): KeyPairs => ({
	box: boxPair(boxSecret),
	sign: nacl.sign.keyPair.fromSeed(signSeed)
});
const keysJson = (k: KeyPairs, signSeed: Uint8Array) => ({
	boxSecret: toHex(k.box.secretKey),
	boxPublic: toHex(k.box.publicKey),
	signSeed: toHex(signSeed),
	signSecret: toHex(k.sign.secretKey),
	signPublic: toHex(k.sign.publicKey)
});

/** Byte fields in JSON: { "hex": "…" }, so the test can turn them back into Uint8Array generically. */
function jsonFields(value: unknown): unknown {
	if (value instanceof Uint8Array) return { hex: toHex(value) };
	if (Array.isArray(value)) return value.map(jsonFields);
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonFields(v)]));
	return value;
}

// Parties. Device and server (generation 1, then generation 2 after one rotation).
const device = { boxSecret: run(0x00), signSeed: run(0x20) };
const server1 = { boxSecret: run(0x60), signSeed: run(0x80) };
const server2 = { boxSecret: run(0xe0), signSeed: run(0x11) };
const deviceKeys = keyPairs(device.boxSecret, device.signSeed);
const serverKeys = keyPairs(server1.boxSecret, server1.signSeed);
const serverKeys2 = keyPairs(server2.boxSecret, server2.signSeed);

// Handshake.
const deviceId = SAMPLE_DEVICE;
const deviceEphemeral = boxPair(run(0x40));
const serverEphemeral = boxPair(run(0xa0));
const challenge = run(0xc0);
const transcript: Transcript = {
	deviceId,
	deviceEphemeral: deviceEphemeral.publicKey,
	serverEphemeral: serverEphemeral.publicKey,
	challenge
};
const hello = encodeHello({ deviceId, ephemeral: deviceEphemeral.publicKey });
const serverProof = serverProofBytes(transcript);
const challengeSignature = nacl.sign.detached(serverProof, serverKeys.sign.secretKey);
const challengeMessage = encodeChallenge({
	ephemeral: serverEphemeral.publicKey,
	challenge,
	signature: challengeSignature
});
const deviceProof = deviceProofBytes(transcript);
const authSignature = nacl.sign.detached(deviceProof, deviceKeys.sign.secretKey);
const auth = encodeAuth(authSignature);
const sessionDevice = deriveSessionKeys({
	ownEphemeralSecret: deviceEphemeral.secretKey,
	peerEphemeralPublic: serverEphemeral.publicKey,
	ownStaticBoxSecret: deviceKeys.box.secretKey,
	peerStaticBoxPublic: serverKeys.box.publicKey,
	transcript
});
const sessionServer = deriveSessionKeys({
	ownEphemeralSecret: serverEphemeral.secretKey,
	peerEphemeralPublic: deviceEphemeral.publicKey,
	ownStaticBoxSecret: serverKeys.box.secretKey,
	peerStaticBoxPublic: deviceKeys.box.publicKey,
	transcript
});
if (
	toHex(sessionDevice.deviceToServer) !== toHex(sessionServer.deviceToServer) ||
	toHex(sessionDevice.serverToDevice) !== toHex(sessionServer.serverToDevice)
) {
	throw new Error('the two sides derive different session keys');
}
const sharedEphemeral = nacl.box.before(serverEphemeral.publicKey, deviceEphemeral.secretKey);
const sharedIdentity = nacl.box.before(serverKeys.box.publicKey, deviceKeys.box.secretKey);
const kdfInput = concatBytes(utf8('vacc-sync-v1'), sharedEphemeral, sharedIdentity, serverProof);

// A signed update: one dose appended to the device's batch, from a fixed Yjs client id.
const event = sampleDose();
if (event.device !== deviceId || event.batch !== SAMPLE_BATCH) throw new Error('sample event of another device');
const yjsClientId = 1234567890;
const doc = new Y.Doc({ gc: false });
doc.clientID = yjsClientId;
doc.getArray(BATCH_EVENTS).push([event]);
const update = Y.encodeStateAsUpdate(doc, Uint8Array.of(0));
const stateVector = Y.encodeStateVector(doc);
const updateBytes = updateSigningBytes(SAMPLE_BATCH, deviceId, update);
const updateSignature = nacl.sign.detached(updateBytes, deviceKeys.sign.secretKey);

// Its receipt, signed by the server key that proved the connection (generation 1).
const eventCount = 1;
const receiptBytes = receiptSigningBytes(SAMPLE_BATCH, stateVector, eventCount);
const receiptSignature = nacl.sign.detached(receiptBytes, serverKeys.sign.secretKey);

// A key change: generation 2, certified by generation 1.
const certBytes = keyChangeSigningBytes({
	generation: 2,
	previousSign: serverKeys.sign.publicKey,
	box: serverKeys2.box.publicKey,
	sign: serverKeys2.sign.publicKey
});
const certificate: KeyCertificate = {
	generation: 2,
	box: serverKeys2.box.publicKey,
	sign: serverKeys2.sign.publicKey,
	signature: nacl.sign.detached(certBytes, serverKeys.sign.secretKey)
};

// A small catalogue (one maker, one product of the built-in one): the device checks it in full.
const catalog = {
	maxDoseNumber: DEFAULT_VACCINE_CATALOG.maxDoseNumber,
	makers: { pfizer: DEFAULT_VACCINE_CATALOG.makers['pfizer']! },
	products: [DEFAULT_VACCINE_CATALOG.products[0]!]
};
if (!parseVaccineCatalog(catalog).ok) throw new Error('the sample catalogue does not parse');

// One of each application message.
const welcome: M.AppMessage = {
	type: M.MSG_WELCOME,
	serverTime: '2025-10-01T00:00:00.000Z',
	deviceStatus: 'active',
	policy: { idleLockMinutes: 5, offlineSessionHours: 72, retentionDays: 0, pinMinLength: 6 }
};
const signedSync: M.AppMessage = {
	type: M.MSG_SIGNED_SYNC,
	doc: SAMPLE_BATCH,
	signature: updateSignature,
	kind: messageYjsSyncStep2,
	payload: update
};
const messages: [string, M.AppMessage][] = [
	['MSG_WELCOME', welcome],
	['MSG_SYNC', { type: M.MSG_SYNC, doc: SAMPLE_BATCH, kind: messageYjsSyncStep1, payload: stateVector }],
	['MSG_SIGNED_SYNC', signedSync],
	['MSG_RECEIPT', { type: M.MSG_RECEIPT, doc: SAMPLE_BATCH, stateVector, eventCount, signature: receiptSignature }],
	[
		'MSG_REFUSED',
		{
			type: M.MSG_REFUSED,
			doc: SAMPLE_BATCH,
			code: 'EVENT_DUPLICATE_ID',
			message: 'an event id is used twice in this batch',
			eventIds: ['01936f4f-2b3c-7d4e-9f5a-6b7c8d9e0f1a'],
			stateVector
		}
	],
	['MSG_ERROR', { type: M.MSG_ERROR, code: 'EXAMPLE', message: 'never sent by the server today' }],
	['MSG_VENUE', { type: M.MSG_VENUE, serviceDay: '2025-10-01' }],
	['MSG_LOTS', { type: M.MSG_LOTS, lots: [{ product: 'comirnaty', lot: 'FA1234', expiry: '2026-03-31' }] }],
	['MSG_UNRECEIPTED', { type: M.MSG_UNRECEIPTED, count: 300 }],
	['MSG_CATALOG', { type: M.MSG_CATALOG, version: 2, catalog }],
	['MSG_SERVER_KEYS', { type: M.MSG_SERVER_KEYS, chain: [certificate] }],
	['MSG_SERVER_KEYS_ACK', { type: M.MSG_SERVER_KEYS_ACK, generation: 2 }],
	['MSG_PING', { type: M.MSG_PING }],
	['MSG_PONG', { type: M.MSG_PONG }]
];

/** sealFrame with a fixed nonce instead of a random one. */
const sealWith = (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array) =>
	concatBytes(Uint8Array.of(FRAME_SEALED), nonce, nacl.secretbox(plaintext, nonce, key));
const frameNonces = { serverToDevice: run(0x00, 24), deviceToServer: run(0x18, 24) };

const enrolmentSecret = run(0x33);
const enrolment = {
	serverUrl: 'https://sync.example.lg.jp',
	enrolmentId: '0b9f6a43-3a3e-4c1e-9d5e-2f7d3b1c5a10',
	secret: toB64(enrolmentSecret),
	serverKeys: { box: serverKeys.box.publicKey, sign: serverKeys.sign.publicKey }
};

const vectors = {
	about:
		'Test vectors of shared/protocol/PROTOCOL.md, made by shared/protocol/vectors.generate.ts and checked by shared/protocol/vectors.test.ts. Bytes are lowercase hex; { "hex": … } marks a byte field inside message fields.',
	keys: {
		device: keysJson(deviceKeys, device.signSeed),
		server: { generation: 1, ...keysJson(serverKeys, server1.signSeed) },
		serverGeneration2: { generation: 2, ...keysJson(serverKeys2, server2.signSeed) }
	},
	handshake: {
		deviceId,
		deviceEphemeralSecret: toHex(deviceEphemeral.secretKey),
		deviceEphemeralPublic: toHex(deviceEphemeral.publicKey),
		serverEphemeralSecret: toHex(serverEphemeral.secretKey),
		serverEphemeralPublic: toHex(serverEphemeral.publicKey),
		challenge: toHex(challenge),
		hello: { type: HELLO, payload: toHex(hello), frame: toHex(handshakeFrame(hello)) },
		serverProofBytes: toHex(serverProof),
		challengeSignature: toHex(challengeSignature),
		challengeMessage: {
			type: CHALLENGE,
			payload: toHex(challengeMessage),
			frame: toHex(handshakeFrame(challengeMessage))
		},
		deviceProofBytes: toHex(deviceProof),
		authSignature: toHex(authSignature),
		auth: { type: AUTH, payload: toHex(auth), frame: toHex(handshakeFrame(auth)) },
		sharedEphemeral: toHex(sharedEphemeral),
		sharedIdentity: toHex(sharedIdentity),
		kdfInput: toHex(kdfInput),
		kdfOutput: toHex(nacl.hash(kdfInput)),
		sessionKeys: {
			deviceToServer: toHex(sessionDevice.deviceToServer),
			serverToDevice: toHex(sessionDevice.serverToDevice)
		}
	},
	update: {
		doc: SAMPLE_BATCH,
		deviceId,
		yjsClientId,
		event,
		update: toHex(update),
		stateVector: toHex(stateVector),
		signingBytes: toHex(updateBytes),
		signature: toHex(updateSignature)
	},
	receipt: {
		doc: SAMPLE_BATCH,
		stateVector: toHex(stateVector),
		eventCount,
		signerGeneration: 1,
		signingBytes: toHex(receiptBytes),
		signature: toHex(receiptSignature)
	},
	keyChange: {
		context: KEY_CHANGE_CONTEXT,
		generation: 2,
		previousSign: toHex(serverKeys.sign.publicKey),
		box: toHex(certificate.box),
		sign: toHex(certificate.sign),
		signingBytes: toHex(certBytes),
		signature: toHex(certificate.signature)
	},
	messages: messages.map(([name, m]) => ({
		name,
		type: m.type,
		fields: jsonFields(m),
		bytes: toHex(M.encodeMessage(m))
	})),
	frames: [
		{
			direction: 'server to device',
			key: 'serverToDevice',
			nonce: toHex(frameNonces.serverToDevice),
			message: 'MSG_WELCOME',
			plaintext: toHex(M.encodeMessage(welcome)),
			frame: toHex(sealWith(sessionDevice.serverToDevice, frameNonces.serverToDevice, M.encodeMessage(welcome)))
		},
		{
			direction: 'device to server',
			key: 'deviceToServer',
			nonce: toHex(frameNonces.deviceToServer),
			message: 'MSG_SIGNED_SYNC',
			plaintext: toHex(M.encodeMessage(signedSync)),
			frame: toHex(sealWith(sessionDevice.deviceToServer, frameNonces.deviceToServer, M.encodeMessage(signedSync)))
		}
	],
	enrolmentCode: {
		fields: jsonFields(enrolment),
		secretBytes: toHex(enrolmentSecret),
		text: encodeEnrolmentCode(enrolment)
	}
};

console.log(JSON.stringify(vectors, null, '\t'));
