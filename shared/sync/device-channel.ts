import nacl from 'tweetnacl';
import { FRAME_HANDSHAKE, FrameOpener, handshakeFrame, sealFrame } from '../protocol/frame';
import {
	CHALLENGE,
	decodeHandshake,
	deviceProofBytes,
	encodeAuth,
	encodeHello,
	serverProofBytes,
	sessionKeysFrom,
	type Transcript
} from '../protocol/handshake';
import type { KeyPairs, PublicKeys } from '../protocol/keys';
import {
	decodeMessage,
	encodeMessage,
	MSG_SERVER_KEYS,
	MSG_SERVER_KEYS_ACK,
	MSG_WELCOME,
	type AppMessage
} from '../protocol/messages';
import type { KeyCertificate } from '../protocol/server-keys';
import { CLOSE, type MinimalSocket } from './socket';

export interface DeviceIdentity {
	deviceId: string;
	keys: KeyPairs;
	/** Pinned at enrolment from the enrolment code; replaced by each server key change the device accepts. */
	serverKeys: PublicKeys;
	/**
	 * Server keys accepted before `serverKeys`, newest first, still accepted in a CHALLENGE (see
	 * ServerKeyPins in protocol/server-keys.ts).
	 */
	earlierServerKeys?: PublicKeys[];
	/** The generation of `serverKeys`, once learnt from a key change (null: the enrolment code's). */
	serverKeyGeneration?: number | null;
	/** The device's signatures and key agreement; tweetnacl's unless given (see DeviceCrypto). */
	crypto?: DeviceCrypto;
}

/**
 * The device's key agreement and signatures: the handshake's, its updates' and the check of
 * the server's receipts. The station uses tweetnacl's; the load and bench simulators pass
 * node:crypto's (same bytes), so that a crowd of simulated devices in the server's process
 * measures the server rather than the simulator's JavaScript crypto.
 */
export interface DeviceCrypto {
	/** A fresh ephemeral X25519 pair: its public key, and `nacl.box.before` with its secret. */
	ephemeral(): { publicKey: Uint8Array; before(peerPublic: Uint8Array): Uint8Array };
	/** `nacl.box.before(peerPublic, ownSecret)`. */
	before(peerPublic: Uint8Array, ownSecret: Uint8Array): Uint8Array;
	/** Ed25519 over `data` with a 64-byte tweetnacl secret key. */
	sign(data: Uint8Array, secretKey: Uint8Array): Uint8Array;
	verify(data: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}

export const TWEETNACL_CRYPTO: DeviceCrypto = {
	ephemeral() {
		const pair = nacl.box.keyPair();
		return { publicKey: pair.publicKey, before: (peer) => nacl.box.before(peer, pair.secretKey) };
	},
	before: (peer, own) => nacl.box.before(peer, own),
	sign: (data, secretKey) => nacl.sign.detached(data, secretKey),
	verify: (data, signature, publicKey) => nacl.sign.detached.verify(data, signature, publicKey)
};

/** What the device decided about a key change the server offered. */
export type KeyChangeDecision = { accepted: number } | { refused: string } | { failed: string };

export interface SecureChannel {
	send(message: AppMessage): void;
	close(code?: number, reason?: string): void;
}

export interface ChannelHandlers {
	/** `serverKeys`: the pinned keys the server proved this connection with (it signs receipts with them). */
	onReady(
		channel: SecureChannel,
		welcome: Extract<AppMessage, { type: typeof MSG_WELCOME }>,
		serverKeys: PublicKeys
	): void;
	onMessage(message: AppMessage): void;
	onClose(code: number, reason: string): void;
	/**
	 * The server offers newer keys (before its welcome): verify the certificates from `provedBy`
	 * and store the new keys, or refuse. Without this handler every offer is refused.
	 */
	onServerKeys?(chain: KeyCertificate[], provedBy: PublicKeys): Promise<KeyChangeDecision>;
}

/**
 * Runs the device side of the handshake on an open socket, then seals and opens application
 * frames. Anything the server sends that does not verify closes the socket: a device never
 * talks to a server whose keys differ from the ones it pinned.
 *
 * The server proves itself with the keys of the generation it recorded for this device, which
 * is the newest pinned one or, if the device's last acknowledgement of a key change was lost, an
 * earlier one: the CHALLENGE is checked against each pinned key, newest first. After AUTH the
 * server may offer a key change (MSG_SERVER_KEYS) before its welcome; frames are held while the
 * device verifies and stores it, then it acknowledges and reads on — or refuses and closes,
 * having synced nothing over this connection.
 */
export function openDeviceChannel(socket: MinimalSocket, identity: DeviceIdentity, handlers: ChannelHandlers): void {
	const crypto = identity.crypto ?? TWEETNACL_CRYPTO;
	const ephemeral = crypto.ephemeral();
	let state: 'hello' | 'auth' | 'rekey' | 'ready' | 'closed' = 'hello';
	let sealKey: Uint8Array | null = null;
	let opener: FrameOpener | null = null;
	let provedBy: PublicKeys | null = null;
	/** Frames that arrived while a key change was being verified and stored, in order. */
	const held: Uint8Array[] = [];
	const sealAndSend = (m: AppMessage) => socket.send(sealFrame(sealKey!, encodeMessage(m)));

	const channel: SecureChannel = {
		send: (m) => {
			if (state !== 'ready' || !sealKey) throw new Error('channel not ready');
			sealAndSend(m);
		},
		close: (code, reason) => {
			state = 'closed';
			socket.close(code, reason);
		}
	};

	socket.onClose((code, reason) => {
		state = 'closed';
		handlers.onClose(code, reason);
	});

	function onFrame(frame: Uint8Array): void {
		if (state === 'closed') return;
		if (state === 'rekey') {
			held.push(frame);
			return;
		}
		if (state === 'hello') {
			const msg = frame[0] === FRAME_HANDSHAKE ? decodeHandshake(frame.subarray(1)) : null;
			if (!msg || msg.type !== CHALLENGE) return channel.close(CLOSE.HANDSHAKE_FAILED, 'unexpected handshake message');
			const transcript: Transcript = {
				deviceId: identity.deviceId,
				deviceEphemeral: ephemeral.publicKey,
				serverEphemeral: msg.ephemeral,
				challenge: msg.challenge
			};
			const proof = serverProofBytes(transcript);
			provedBy =
				[identity.serverKeys, ...(identity.earlierServerKeys ?? [])].find((k) =>
					crypto.verify(proof, msg.signature, k.sign)
				) ?? null;
			if (!provedBy) return channel.close(CLOSE.HANDSHAKE_FAILED, 'server key mismatch');
			const keys = sessionKeysFrom(
				ephemeral.before(msg.ephemeral),
				crypto.before(provedBy.box, identity.keys.box.secretKey),
				transcript
			);
			sealKey = keys.deviceToServer;
			opener = new FrameOpener(keys.serverToDevice);
			state = 'auth';
			socket.send(handshakeFrame(encodeAuth(crypto.sign(deviceProofBytes(transcript), identity.keys.sign.secretKey))));
			return;
		}
		const opened = opener!.open(frame);
		if (!opened.ok) return channel.close(CLOSE.FRAME_DECRYPT, `server frame ${opened.reason}`);
		const message = decodeMessage(opened.plaintext);
		if (!message) return channel.close(CLOSE.FRAME_MALFORMED, 'malformed server message');
		if (state === 'auth') {
			if (message.type === MSG_SERVER_KEYS) return rekey(message.chain);
			if (message.type !== MSG_WELCOME) return channel.close(CLOSE.HANDSHAKE_FAILED, 'expected welcome');
			state = 'ready';
			handlers.onReady(channel, message, provedBy!);
			return;
		}
		handlers.onMessage(message);
	}

	function rekey(chain: KeyCertificate[]): void {
		if (!handlers.onServerKeys)
			return channel.close(CLOSE.SERVER_KEY_CHANGE_REFUSED, 'this client does not take server key changes');
		state = 'rekey';
		const decided = handlers
			.onServerKeys(chain, provedBy!)
			.catch((e: unknown): KeyChangeDecision => ({ failed: String(e) }));
		void decided.then((d) => {
			if (state !== 'rekey') return;
			if ('refused' in d)
				return channel.close(CLOSE.SERVER_KEY_CHANGE_REFUSED, `server key change refused: ${d.refused}`.slice(0, 120));
			if ('failed' in d) return channel.close(CLOSE.SERVER_KEY_STORE_FAILED, 'could not store the new server keys');
			state = 'auth';
			sealAndSend({ type: MSG_SERVER_KEYS_ACK, generation: d.accepted });
			// Whatever the server sent meanwhile (its welcome, first of all), in order.
			const reading = () => state === 'auth' || state === 'ready';
			while (held.length > 0 && reading()) onFrame(held.shift()!);
		});
	}

	socket.onMessage(onFrame);

	socket.onOpen(() =>
		socket.send(handshakeFrame(encodeHello({ deviceId: identity.deviceId, ephemeral: ephemeral.publicKey })))
	);
}
