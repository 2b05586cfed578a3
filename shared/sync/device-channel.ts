import nacl from 'tweetnacl';
import { FRAME_HANDSHAKE, FrameOpener, handshakeFrame, sealFrame } from '../protocol/frame';
import {
	CHALLENGE,
	decodeHandshake,
	deriveSessionKeys,
	deviceProofBytes,
	encodeAuth,
	encodeHello,
	serverProofBytes,
	type Transcript
} from '../protocol/handshake';
import type { KeyPairs, PublicKeys } from '../protocol/keys';
import { decodeMessage, encodeMessage, MSG_WELCOME, type AppMessage } from '../protocol/messages';
import { CLOSE, type MinimalSocket } from './socket';

export interface DeviceIdentity {
	deviceId: string;
	keys: KeyPairs;
	/** Pinned at enrolment from the enrolment code. */
	serverKeys: PublicKeys;
}

export interface SecureChannel {
	send(message: AppMessage): void;
	close(code?: number, reason?: string): void;
}

export interface ChannelHandlers {
	onReady(channel: SecureChannel, welcome: Extract<AppMessage, { type: typeof MSG_WELCOME }>): void;
	onMessage(message: AppMessage): void;
	onClose(code: number, reason: string): void;
}

/**
 * Runs the device side of the handshake on an open socket, then seals and opens application
 * frames. Anything the server sends that does not verify closes the socket: a device never
 * talks to a server whose keys differ from the ones it pinned.
 */
export function openDeviceChannel(socket: MinimalSocket, identity: DeviceIdentity, handlers: ChannelHandlers): void {
	const ephemeral = nacl.box.keyPair();
	let state: 'hello' | 'auth' | 'ready' | 'closed' = 'hello';
	let sealKey: Uint8Array | null = null;
	let opener: FrameOpener | null = null;

	const channel: SecureChannel = {
		send: (m) => {
			if (state !== 'ready' || !sealKey) throw new Error('channel not ready');
			socket.send(sealFrame(sealKey, encodeMessage(m)));
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

	socket.onMessage((frame) => {
		if (state === 'closed') return;
		if (state === 'hello') {
			const msg = frame[0] === FRAME_HANDSHAKE ? decodeHandshake(frame.subarray(1)) : null;
			if (!msg || msg.type !== CHALLENGE) return channel.close(CLOSE.HANDSHAKE_FAILED, 'unexpected handshake message');
			const transcript: Transcript = {
				deviceId: identity.deviceId,
				deviceEphemeral: ephemeral.publicKey,
				serverEphemeral: msg.ephemeral,
				challenge: msg.challenge
			};
			if (!nacl.sign.detached.verify(serverProofBytes(transcript), msg.signature, identity.serverKeys.sign)) {
				return channel.close(CLOSE.HANDSHAKE_FAILED, 'server key mismatch');
			}
			const keys = deriveSessionKeys({
				ownEphemeralSecret: ephemeral.secretKey,
				peerEphemeralPublic: msg.ephemeral,
				ownStaticBoxSecret: identity.keys.box.secretKey,
				peerStaticBoxPublic: identity.serverKeys.box,
				transcript
			});
			sealKey = keys.deviceToServer;
			opener = new FrameOpener(keys.serverToDevice);
			state = 'auth';
			socket.send(handshakeFrame(encodeAuth(nacl.sign.detached(deviceProofBytes(transcript), identity.keys.sign.secretKey))));
			return;
		}
		const opened = opener!.open(frame);
		if (!opened.ok) return channel.close(CLOSE.FRAME_DECRYPT, `server frame ${opened.reason}`);
		const message = decodeMessage(opened.plaintext);
		if (!message) return channel.close(CLOSE.FRAME_MALFORMED, 'malformed server message');
		if (state === 'auth') {
			if (message.type !== MSG_WELCOME) return channel.close(CLOSE.HANDSHAKE_FAILED, 'expected welcome');
			state = 'ready';
			handlers.onReady(channel, message);
			return;
		}
		handlers.onMessage(message);
	});

	socket.onOpen(() => socket.send(handshakeFrame(encodeHello({ deviceId: identity.deviceId, ephemeral: ephemeral.publicKey }))));
}
