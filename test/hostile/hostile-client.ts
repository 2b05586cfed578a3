import nacl from 'tweetnacl';
import WebSocket from 'ws';
import { FRAME_HANDSHAKE, FrameOpener, handshakeFrame, sealFrame } from '#shared/protocol/frame';
import {
	CHALLENGE,
	decodeHandshake,
	deriveSessionKeys,
	deviceProofBytes,
	encodeAuth,
	encodeHello,
	type Challenge,
	type Transcript
} from '#shared/protocol/handshake';
import { decodeMessage, encodeMessage, type AppMessage } from '#shared/protocol/messages';
import type { DeviceIdentity } from '#shared/sync/device-channel';

/**
 * A device client that does each step of the protocol by hand, so a test can stop between
 * steps, change any byte or send what no real device sends. The well-behaved paths live in
 * raw-client.ts and memory-device.ts; this is for the hostile ones.
 */
export class HostileClient {
	readonly ws: WebSocket;
	readonly closed: Promise<{ code: number; reason: string }>;
	readonly received: Uint8Array[] = [];
	private waiters: (() => void)[] = [];

	private constructor(url: string) {
		this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/sync`);
		this.ws.binaryType = 'nodebuffer';
		this.ws.on('error', () => undefined);
		this.ws.on('message', (data: Buffer) => {
			this.received.push(new Uint8Array(data));
			this.notify();
		});
		this.closed = new Promise((resolve) =>
			this.ws.on('close', (code, reason) => (this.notify(), resolve({ code, reason: reason.toString() })))
		);
	}

	static async open(url: string): Promise<HostileClient> {
		const c = new HostileClient(url);
		await new Promise<void>((resolve, reject) => {
			c.ws.once('open', () => resolve());
			c.ws.once('close', (code) => reject(new Error(`closed before open: ${code}`)));
		});
		return c;
	}

	send(frame: Uint8Array | string): void {
		if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
	}

	/** The next frame from the server, or null once the socket closed. */
	async nextFrame(): Promise<Uint8Array | null> {
		for (;;) {
			const frame = this.received.shift();
			if (frame) return frame;
			if (this.ws.readyState === WebSocket.CLOSED) return null;
			await new Promise<void>((resolve) => this.waiters.push(resolve));
		}
	}

	/** Sends HELLO and reads the CHALLENGE (null if the server closed instead). */
	async hello(
		deviceId: string,
		ephemeral = nacl.box.keyPair()
	): Promise<{ challenge: Challenge; ephemeral: nacl.BoxKeyPair } | null> {
		this.send(handshakeFrame(encodeHello({ deviceId, ephemeral: ephemeral.publicKey })));
		const frame = await this.nextFrame();
		const msg = frame && frame[0] === FRAME_HANDSHAKE ? decodeHandshake(frame.subarray(1)) : null;
		return msg?.type === CHALLENGE ? { challenge: msg, ephemeral } : null;
	}

	/**
	 * The full handshake as `identity`; returns the session (keys as this client derives them,
	 * which differ from the server's when the identity's box key is wrong). `beforeAuth` runs
	 * between the server's CHALLENGE and this client's AUTH.
	 */
	async handshake(identity: DeviceIdentity, beforeAuth?: () => Promise<void>): Promise<Session | null> {
		const hello = await this.hello(identity.deviceId);
		if (!hello) return null;
		await beforeAuth?.();
		const transcript: Transcript = {
			deviceId: identity.deviceId,
			deviceEphemeral: hello.ephemeral.publicKey,
			serverEphemeral: hello.challenge.ephemeral,
			challenge: hello.challenge.challenge
		};
		const auth = encodeAuth(nacl.sign.detached(deviceProofBytes(transcript), identity.keys.sign.secretKey));
		this.send(handshakeFrame(auth));
		const keys = deriveSessionKeys({
			ownEphemeralSecret: hello.ephemeral.secretKey,
			peerEphemeralPublic: hello.challenge.ephemeral,
			ownStaticBoxSecret: identity.keys.box.secretKey,
			peerStaticBoxPublic: identity.serverKeys.box,
			transcript
		});
		return new Session(this, keys.deviceToServer, new FrameOpener(keys.serverToDevice), auth);
	}

	close(): void {
		this.ws.close();
	}

	private notify(): void {
		for (const w of this.waiters.splice(0)) w();
	}
}

export class Session {
	constructor(
		readonly client: HostileClient,
		readonly sealKey: Uint8Array,
		private readonly opener: FrameOpener,
		/** The AUTH payload this session sent, for replay into another session. */
		readonly auth: Uint8Array
	) {}

	/** Seals any plaintext, valid message or not. */
	sealed(plaintext: Uint8Array): Uint8Array {
		return sealFrame(this.sealKey, plaintext);
	}

	send(m: AppMessage): Uint8Array {
		const frame = this.sealed(encodeMessage(m));
		this.client.send(frame);
		return frame;
	}

	/** The next message from the server that matches, or null once the socket closed. */
	async next(predicate: (m: AppMessage) => boolean = () => true): Promise<AppMessage | null> {
		for (;;) {
			const frame = await this.client.nextFrame();
			if (!frame) return null;
			const opened = this.opener.open(frame);
			const m = opened.ok ? decodeMessage(opened.plaintext) : null;
			if (m && predicate(m)) return m;
		}
	}
}
