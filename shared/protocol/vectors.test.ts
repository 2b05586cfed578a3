import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nacl from 'tweetnacl';
import * as Y from 'yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BATCH_EVENTS } from '../domain/batch';
import { openDeviceChannel } from '../sync/device-channel';
import { CLOSE, type MinimalSocket } from '../sync/socket';
import { toB64, toHex } from './bytes';
import { decodeEnrolmentCode, encodeEnrolmentCode } from './enrolment-code';
import * as frame from './frame';
import * as handshake from './handshake';
import type { KeyPairs, PublicKeys } from './keys';
import * as messages from './messages';
import { decodeMessage, encodeMessage, type AppMessage } from './messages';
import * as serverKeys from './server-keys';
import { receiptSigningBytes, updateSigningBytes } from './signing';

/**
 * Holds the code to the test vectors of PROTOCOL.md (test-vectors.json, made once by
 * vectors.generate.ts): every encoder reproduces every byte, every decoder gives the fields
 * back, every signature verifies and the sealed frames open. A failure here means the wire
 * protocol changed: fix the code, or change PROTOCOL.md, its vectors and its version on purpose
 * (see "Versioning" there). Also checks that PROTOCOL.md names every message type, close code,
 * refusal code and signing context the code defines.
 */

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..', '..');
const doc = readFileSync(join(here, 'PROTOCOL.md'), 'utf8');

interface Keys {
	boxSecret: string;
	boxPublic: string;
	signSeed: string;
	signSecret: string;
	signPublic: string;
}
interface Vectors {
	keys: { device: Keys; server: Keys & { generation: number }; serverGeneration2: Keys & { generation: number } };
	handshake: {
		deviceId: string;
		deviceEphemeralSecret: string;
		deviceEphemeralPublic: string;
		serverEphemeralSecret: string;
		serverEphemeralPublic: string;
		challenge: string;
		hello: { type: number; payload: string; frame: string };
		serverProofBytes: string;
		challengeSignature: string;
		challengeMessage: { type: number; payload: string; frame: string };
		deviceProofBytes: string;
		authSignature: string;
		auth: { type: number; payload: string; frame: string };
		sharedEphemeral: string;
		sharedIdentity: string;
		kdfInput: string;
		kdfOutput: string;
		sessionKeys: { deviceToServer: string; serverToDevice: string };
	};
	update: {
		doc: string;
		deviceId: string;
		yjsClientId: number;
		event: unknown;
		update: string;
		stateVector: string;
		signingBytes: string;
		signature: string;
	};
	receipt: {
		doc: string;
		stateVector: string;
		eventCount: number;
		signerGeneration: number;
		signingBytes: string;
		signature: string;
	};
	keyChange: {
		context: string;
		generation: number;
		previousSign: string;
		box: string;
		sign: string;
		signingBytes: string;
		signature: string;
	};
	messages: { name: string; type: number; fields: unknown; bytes: string }[];
	frames: {
		direction: string;
		key: 'deviceToServer' | 'serverToDevice';
		nonce: string;
		message: string;
		plaintext: string;
		frame: string;
	}[];
	enrolmentCode: { fields: unknown; secretBytes: string; text: string };
}
const v = JSON.parse(readFileSync(join(here, 'test-vectors.json'), 'utf8')) as Vectors;

function fromHex(hex: string): Uint8Array {
	if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error(`not lowercase hex: ${hex.slice(0, 20)}…`);
	return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}
/** Message fields as stored in the JSON: { hex } objects are byte fields. */
function revive(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(revive);
	if (value && typeof value === 'object') {
		const entries = Object.entries(value);
		if (entries.length === 1 && entries[0]![0] === 'hex' && typeof entries[0]![1] === 'string')
			return fromHex(entries[0]![1]);
		return Object.fromEntries(entries.map(([k, x]) => [k, revive(x)]));
	}
	return value;
}
const hexOf = (b: Uint8Array) => toHex(b);

/** The key pairs of a party, from its recorded secret and seed (checked against the record in the first test). */
const pairs = (k: Keys): KeyPairs => ({
	box: nacl.box.keyPair.fromSecretKey(fromHex(k.boxSecret)),
	sign: nacl.sign.keyPair.fromSeed(fromHex(k.signSeed))
});
const pub = (k: KeyPairs): PublicKeys => ({ box: k.box.publicKey, sign: k.sign.publicKey });

const h = v.handshake;
const transcript: handshake.Transcript = {
	deviceId: h.deviceId,
	deviceEphemeral: fromHex(h.deviceEphemeralPublic),
	serverEphemeral: fromHex(h.serverEphemeralPublic),
	challenge: fromHex(h.challenge)
};
const messageNamed = (name: string) => v.messages.find((m) => m.name === name)!;

afterEach(() => {
	vi.restoreAllMocks();
});

describe('test vectors: keys', () => {
	it('the fixed seeds give the recorded public keys', () => {
		for (const k of [v.keys.device, v.keys.server, v.keys.serverGeneration2]) {
			const p = pairs(k);
			expect([hexOf(p.box.publicKey), hexOf(p.sign.publicKey), hexOf(p.sign.secretKey)]).toEqual([
				k.boxPublic,
				k.signPublic,
				k.signSecret
			]);
		}
		expect(hexOf(nacl.box.keyPair.fromSecretKey(fromHex(h.deviceEphemeralSecret)).publicKey)).toBe(
			h.deviceEphemeralPublic
		);
		expect(hexOf(nacl.box.keyPair.fromSecretKey(fromHex(h.serverEphemeralSecret)).publicKey)).toBe(
			h.serverEphemeralPublic
		);
	});
});

describe('test vectors: handshake', () => {
	const device = pairs(v.keys.device);
	const server = pairs(v.keys.server);

	it('HELLO, CHALLENGE and AUTH encode to the recorded bytes and decode to their fields', () => {
		const hello = handshake.encodeHello({ deviceId: h.deviceId, ephemeral: transcript.deviceEphemeral });
		expect(hexOf(hello)).toBe(h.hello.payload);
		expect(hexOf(frame.handshakeFrame(hello))).toBe(h.hello.frame);
		expect(handshake.decodeHandshake(fromHex(h.hello.payload))).toEqual({
			type: handshake.HELLO,
			deviceId: h.deviceId,
			ephemeral: transcript.deviceEphemeral
		});

		const challenge = handshake.encodeChallenge({
			ephemeral: transcript.serverEphemeral,
			challenge: transcript.challenge,
			signature: fromHex(h.challengeSignature)
		});
		expect(hexOf(challenge)).toBe(h.challengeMessage.payload);
		expect(hexOf(frame.handshakeFrame(challenge))).toBe(h.challengeMessage.frame);
		expect(handshake.decodeHandshake(challenge)).toEqual({
			type: handshake.CHALLENGE,
			ephemeral: transcript.serverEphemeral,
			challenge: transcript.challenge,
			signature: fromHex(h.challengeSignature)
		});

		const auth = handshake.encodeAuth(fromHex(h.authSignature));
		expect(hexOf(auth)).toBe(h.auth.payload);
		expect(hexOf(frame.handshakeFrame(auth))).toBe(h.auth.frame);
		expect(handshake.decodeHandshake(auth)).toEqual({ type: handshake.AUTH, signature: fromHex(h.authSignature) });
		expect([h.hello.type, h.challengeMessage.type, h.auth.type]).toEqual([
			handshake.HELLO,
			handshake.CHALLENGE,
			handshake.AUTH
		]);
	});

	it('the transcript signatures are over the recorded bytes and verify', () => {
		expect(hexOf(handshake.serverProofBytes(transcript))).toBe(h.serverProofBytes);
		expect(hexOf(handshake.deviceProofBytes(transcript))).toBe(h.deviceProofBytes);
		expect(hexOf(nacl.sign.detached(fromHex(h.serverProofBytes), server.sign.secretKey))).toBe(h.challengeSignature);
		expect(hexOf(nacl.sign.detached(fromHex(h.deviceProofBytes), device.sign.secretKey))).toBe(h.authSignature);
		expect(
			nacl.sign.detached.verify(fromHex(h.serverProofBytes), fromHex(h.challengeSignature), server.sign.publicKey)
		).toBe(true);
		expect(
			nacl.sign.detached.verify(fromHex(h.deviceProofBytes), fromHex(h.authSignature), device.sign.publicKey)
		).toBe(true);
		// Role-separated: the device's proof is not the server's.
		expect(
			nacl.sign.detached.verify(fromHex(h.deviceProofBytes), fromHex(h.challengeSignature), server.sign.publicKey)
		).toBe(false);
	});

	it('both sides derive the recorded session keys, by the recorded steps', () => {
		const ephemeralDevice = nacl.box.keyPair.fromSecretKey(fromHex(h.deviceEphemeralSecret));
		const ephemeralServer = nacl.box.keyPair.fromSecretKey(fromHex(h.serverEphemeralSecret));
		const onDevice = handshake.deriveSessionKeys({
			ownEphemeralSecret: ephemeralDevice.secretKey,
			peerEphemeralPublic: ephemeralServer.publicKey,
			ownStaticBoxSecret: device.box.secretKey,
			peerStaticBoxPublic: server.box.publicKey,
			transcript
		});
		const onServer = handshake.deriveSessionKeys({
			ownEphemeralSecret: ephemeralServer.secretKey,
			peerEphemeralPublic: ephemeralDevice.publicKey,
			ownStaticBoxSecret: server.box.secretKey,
			peerStaticBoxPublic: device.box.publicKey,
			transcript
		});
		const recorded = {
			deviceToServer: fromHex(h.sessionKeys.deviceToServer),
			serverToDevice: fromHex(h.sessionKeys.serverToDevice)
		};
		expect(onDevice).toEqual(recorded);
		expect(onServer).toEqual(recorded);
		// The steps PROTOCOL.md spells out.
		expect(hexOf(nacl.box.before(ephemeralServer.publicKey, ephemeralDevice.secretKey))).toBe(h.sharedEphemeral);
		expect(hexOf(nacl.box.before(server.box.publicKey, device.box.secretKey))).toBe(h.sharedIdentity);
		const input = fromHex(h.kdfInput);
		expect(hexOf(input)).toBe(
			hexOf(
				Uint8Array.of(
					...new TextEncoder().encode('vacc-sync-v1'),
					...fromHex(h.sharedEphemeral),
					...fromHex(h.sharedIdentity),
					...fromHex(h.serverProofBytes)
				)
			)
		);
		const output = nacl.hash(input);
		expect(hexOf(output)).toBe(h.kdfOutput);
		expect(hexOf(output.subarray(0, 32))).toBe(h.sessionKeys.deviceToServer);
		expect(hexOf(output.subarray(32))).toBe(h.sessionKeys.serverToDevice);
	});

	it("the device's own channel sends exactly HELLO and AUTH, opens the server's sealed WELCOME and seals its update as recorded", () => {
		const sent: Uint8Array[] = [];
		const handlers: { open?: () => void; message?: (d: Uint8Array) => void } = {};
		let closed: { code?: number; reason?: string } | null = null;
		const socket: MinimalSocket = {
			send: (d) => void sent.push(d),
			close: (code, reason) => void (closed = { code, reason }),
			onOpen: (fn) => void (handlers.open = fn),
			onMessage: (fn) => void (handlers.message = fn),
			onClose: () => undefined
		};
		const ephemeral = nacl.box.keyPair.fromSecretKey(fromHex(h.deviceEphemeralSecret));
		vi.spyOn(nacl.box, 'keyPair').mockReturnValueOnce(ephemeral);
		let ready: { send: (m: AppMessage) => void; welcome: AppMessage; provedBy: PublicKeys } | null = null;
		openDeviceChannel(
			socket,
			{ deviceId: h.deviceId, keys: device, serverKeys: pub(server) },
			{
				onReady: (channel, welcome, provedBy) => void (ready = { send: channel.send, welcome, provedBy }),
				onMessage: () => undefined,
				onClose: () => undefined
			}
		);
		handlers.open!();
		expect(sent.map(hexOf)).toEqual([h.hello.frame]);
		handlers.message!(fromHex(h.challengeMessage.frame));
		expect(sent.map(hexOf)).toEqual([h.hello.frame, h.auth.frame]);

		const welcomeFrame = v.frames.find((f) => f.message === 'MSG_WELCOME')!;
		handlers.message!(fromHex(welcomeFrame.frame));
		expect(closed).toBeNull();
		expect(ready).not.toBeNull();
		const r = ready!;
		expect(r.welcome).toEqual(revive(messageNamed('MSG_WELCOME').fields));
		expect(r.provedBy).toEqual(pub(server));

		const updateFrame = v.frames.find((f) => f.message === 'MSG_SIGNED_SYNC')!;
		vi.spyOn(nacl, 'randomBytes').mockReturnValueOnce(fromHex(updateFrame.nonce));
		r.send(revive(messageNamed('MSG_SIGNED_SYNC').fields) as AppMessage);
		expect(hexOf(sent[2]!)).toBe(updateFrame.frame);
	});

	it('a device that pinned other server keys refuses the recorded CHALLENGE, terminally', () => {
		const handlers: { open?: () => void; message?: (d: Uint8Array) => void } = {};
		let closedWith: number | undefined;
		const socket: MinimalSocket = {
			send: () => undefined,
			close: (code) => void (closedWith = code),
			onOpen: (fn) => void (handlers.open = fn),
			onMessage: (fn) => void (handlers.message = fn),
			onClose: () => undefined
		};
		openDeviceChannel(
			socket,
			{ deviceId: h.deviceId, keys: device, serverKeys: pub(pairs(v.keys.serverGeneration2)) },
			{ onReady: () => undefined, onMessage: () => undefined, onClose: () => undefined }
		);
		handlers.open!();
		handlers.message!(fromHex(h.challengeMessage.frame));
		expect(closedWith).toBe(CLOSE.HANDSHAKE_FAILED);
	});
});

describe('test vectors: sealed frames', () => {
	for (const f of v.frames) {
		it(`${f.message}, ${f.direction}: sealFrame with the recorded nonce gives the recorded frame, which opens to the message`, () => {
			const key = fromHex(h.sessionKeys[f.key]);
			const plaintext = fromHex(f.plaintext);
			const bytes = fromHex(f.frame);
			expect(hexOf(plaintext)).toBe(messageNamed(f.message).bytes);
			vi.spyOn(nacl, 'randomBytes').mockReturnValueOnce(fromHex(f.nonce));
			expect(hexOf(frame.sealFrame(key, plaintext))).toBe(f.frame);
			// Layout: type byte, 24-byte nonce, then secretbox's 16-byte tag and the ciphertext.
			expect(bytes[0]).toBe(frame.FRAME_SEALED);
			expect(hexOf(bytes.subarray(1, 25))).toBe(f.nonce);
			expect(bytes.length).toBe(1 + 24 + 16 + plaintext.length);
			const opener = new frame.FrameOpener(key);
			expect(opener.open(bytes)).toEqual({ ok: true, plaintext });
			expect(opener.open(bytes)).toEqual({ ok: false, reason: 'REPLAY' });
			const other = f.key === 'deviceToServer' ? 'serverToDevice' : 'deviceToServer';
			expect(new frame.FrameOpener(fromHex(h.sessionKeys[other])).open(bytes)).toEqual({
				ok: false,
				reason: 'DECRYPT'
			});
			expect(decodeMessage(plaintext)).toEqual(revive(messageNamed(f.message).fields));
		});
	}
});

describe('test vectors: application messages', () => {
	it('there is one vector for every message type the code defines', () => {
		const defined = Object.entries(messages).filter(
			([name, value]) => name.startsWith('MSG_') && typeof value === 'number'
		);
		expect(v.messages.map((m) => [m.name, m.type]).sort()).toEqual(defined.sort());
	});

	for (const m of v.messages) {
		it(`${m.name} encodes to the recorded bytes and decodes to its fields`, () => {
			const fields = revive(m.fields) as AppMessage;
			expect(fields.type).toBe(m.type);
			expect(hexOf(encodeMessage(fields))).toBe(m.bytes);
			expect(decodeMessage(fromHex(m.bytes))).toEqual(fields);
			// Trailing bytes and truncation are malformed.
			expect(decodeMessage(fromHex(m.bytes + '00'))).toBeNull();
			expect(decodeMessage(fromHex(m.bytes).subarray(0, fromHex(m.bytes).length - 1))).toBeNull();
		});
	}
});

describe('test vectors: signed update, receipt, key change', () => {
	const device = pairs(v.keys.device);
	const server = pairs(v.keys.server);
	const server2 = pairs(v.keys.serverGeneration2);

	it('the update carries the recorded event and has the recorded state vector', () => {
		const ydoc = new Y.Doc({ gc: false });
		Y.applyUpdate(ydoc, fromHex(v.update.update));
		expect(ydoc.getArray(BATCH_EVENTS).toArray()).toEqual([v.update.event]);
		expect(hexOf(Y.encodeStateVector(ydoc))).toBe(v.update.stateVector);
		expect(hexOf(Y.encodeStateAsUpdate(ydoc))).toBe(v.update.update);
		expect(Y.decodeStateVector(fromHex(v.update.stateVector))).toEqual(new Map([[v.update.yjsClientId, 1]]));
	});

	it('the signed update: recorded signing bytes, signature reproduced and verified', () => {
		const bytes = updateSigningBytes(v.update.doc, v.update.deviceId, fromHex(v.update.update));
		expect(hexOf(bytes)).toBe(v.update.signingBytes);
		expect(hexOf(nacl.sign.detached(bytes, device.sign.secretKey))).toBe(v.update.signature);
		expect(nacl.sign.detached.verify(bytes, fromHex(v.update.signature), device.sign.publicKey)).toBe(true);
		expect(
			nacl.sign.detached.verify(
				updateSigningBytes(v.update.doc, v.update.deviceId.replace(/f$/, 'e'), fromHex(v.update.update)),
				fromHex(v.update.signature),
				device.sign.publicKey
			)
		).toBe(false);
	});

	it('the receipt: recorded signing bytes, signature by server generation 1 reproduced and verified', () => {
		expect(v.receipt.signerGeneration).toBe(v.keys.server.generation);
		const bytes = receiptSigningBytes(v.receipt.doc, fromHex(v.receipt.stateVector), v.receipt.eventCount);
		expect(hexOf(bytes)).toBe(v.receipt.signingBytes);
		expect(hexOf(nacl.sign.detached(bytes, server.sign.secretKey))).toBe(v.receipt.signature);
		expect(nacl.sign.detached.verify(bytes, fromHex(v.receipt.signature), server.sign.publicKey)).toBe(true);
		expect(
			nacl.sign.detached.verify(
				receiptSigningBytes(v.receipt.doc, fromHex(v.receipt.stateVector), v.receipt.eventCount + 1),
				fromHex(v.receipt.signature),
				server.sign.publicKey
			)
		).toBe(false);
	});

	it('the key-change certificate: recorded signing bytes, signature by generation 1, chain verified', () => {
		const k = v.keyChange;
		expect(k.context).toBe(serverKeys.KEY_CHANGE_CONTEXT);
		expect([k.previousSign, k.box, k.sign]).toEqual([
			v.keys.server.signPublic,
			v.keys.serverGeneration2.boxPublic,
			v.keys.serverGeneration2.signPublic
		]);
		const bytes = serverKeys.keyChangeSigningBytes({
			generation: k.generation,
			previousSign: fromHex(k.previousSign),
			box: fromHex(k.box),
			sign: fromHex(k.sign)
		});
		expect(hexOf(bytes)).toBe(k.signingBytes);
		expect(hexOf(nacl.sign.detached(bytes, server.sign.secretKey))).toBe(k.signature);
		const certificate = {
			generation: k.generation,
			box: fromHex(k.box),
			sign: fromHex(k.sign),
			signature: fromHex(k.signature)
		};
		expect(serverKeys.verifyKeyChain(pub(server), [certificate])).toEqual({
			ok: true,
			generation: 2,
			keys: [pub(server2)]
		});
		expect(serverKeys.verifyKeyChain(pub(server2), [certificate])).toMatchObject({ ok: false });
		// MSG_SERVER_KEYS carries exactly this certificate.
		expect((revive(messageNamed('MSG_SERVER_KEYS').fields) as { chain: unknown[] }).chain).toEqual([certificate]);
	});

	it('the enrolment code pins server generation 1', () => {
		const fields = revive(v.enrolmentCode.fields) as Parameters<typeof encodeEnrolmentCode>[0];
		expect(fields.serverKeys).toEqual(pub(server));
		expect(fields.secret).toBe(toB64(fromHex(v.enrolmentCode.secretBytes)));
		expect(encodeEnrolmentCode(fields)).toBe(v.enrolmentCode.text);
		expect(decodeEnrolmentCode(v.enrolmentCode.text)).toEqual(fields);
	});
});

/** A table row of PROTOCOL.md that starts `| <value> | `NAME` |`. */
const hasRow = (value: number, name: string) =>
	new RegExp(`^\\|\\s*${value}\\s*\\|\\s*\`${name}\`\\s*\\|`, 'm').test(doc);
const mentions = (text: string) => doc.includes(`\`${text}\``);

describe('PROTOCOL.md names everything the code defines', () => {
	it('every frame type, handshake message and application message, with its number', () => {
		const numeric = (mod: object) => Object.entries(mod).filter((e): e is [string, number] => typeof e[1] === 'number');
		const types = [
			...numeric(frame).filter(([n]) => n.startsWith('FRAME_')),
			...numeric(handshake),
			...numeric(messages).filter(([n]) => n.startsWith('MSG_'))
		];
		expect(types.length).toBeGreaterThan(15);
		expect(types.filter(([name, value]) => !hasRow(value, name))).toEqual([]);
	});

	it('every close code, with its number', () => {
		expect(Object.entries(CLOSE).filter(([name, code]) => !hasRow(code, `CLOSE.${name}`))).toEqual([]);
	});

	it('every limit the protocol modules export', () => {
		const limits = [frame, messages, serverKeys].flatMap((mod) =>
			Object.entries(mod).filter(([n, value]) => /^MAX_/.test(n) && typeof value === 'number')
		);
		expect(limits.length).toBeGreaterThanOrEqual(5);
		expect(limits.filter(([name, value]) => !mentions(name) || !doc.includes(String(value)))).toEqual([]);
	});

	it('every refusal code the server sends in MSG_REFUSED or turns into a close', () => {
		const sources = [
			'sync-server/ingest/check-update.ts',
			'sync-server/ingest/ingest.ts',
			'sync-server/transport/retryable.ts'
		]
			.map((f) => readFileSync(join(ROOT, f), 'utf8'))
			.join('\n');
		const codes = new Set([...sources.matchAll(/'([A-Z][A-Z0-9_]*[A-Z0-9])'/g)].map((m) => m[1]!));
		expect(codes.size).toBeGreaterThan(10);
		expect([...codes].filter((c) => !mentions(c))).toEqual([]);
	});

	it('every signing context and version marker', () => {
		const dir = here;
		const sources = readdirSync(dir)
			.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'vectors.generate.ts')
			.map((f) => readFileSync(join(dir, f), 'utf8'))
			.join('\n');
		const markers = new Set([...sources.matchAll(/'(vacc-[a-z0-9-]+|VXE\d+\.)'/g)].map((m) => m[1]!));
		expect(markers.size).toBeGreaterThanOrEqual(5);
		expect([...markers].filter((marker) => !mentions(marker))).toEqual([]);
	});

	it('and points at these vectors', () => {
		expect(doc).toContain('test-vectors.json');
		expect(doc).toContain('vectors.generate.ts');
	});
});
