/**
 * The little a sync session needs from a WebSocket, so the same engine runs over the browser's
 * WebSocket in the PWA and over `ws` in the simulator and tests.
 */
export interface MinimalSocket {
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
	onOpen(handler: () => void): void;
	onMessage(handler: (data: Uint8Array) => void): void;
	onClose(handler: (code: number, reason: string) => void): void;
}

export type OpenSocket = (url: string) => MinimalSocket;

/**
 * WebSocket close codes this protocol uses (4000–4999 are application codes). Each is written
 * down in shared/protocol/PROTOCOL.md §9.2, with who sends it and whether the device retries.
 */
export const CLOSE = {
	HANDSHAKE_FAILED: 4001,
	/**
	 * The handshake did not finish in time: sent by the device when the server accepted the
	 * connection but never answered, and by the server when the peer never finished. Not
	 * terminal: the device tries again.
	 */
	HANDSHAKE_TIMEOUT: 4008,
	UNKNOWN_DEVICE: 4002,
	DEVICE_REVOKED: 4003,
	DEVICE_RETIRED: 4004,
	/**
	 * Sent by the device: the server offered new keys whose certificates do not verify against
	 * the keys the device trusts. Terminal: the device keeps its pinned keys and syncs no more
	 * until a person has looked (a server offering unverifiable keys is misconfigured or not ours).
	 */
	SERVER_KEY_CHANGE_REFUSED: 4005,
	/** Sent by the device: it could not store the server's new keys (full disk?); it tries again later. */
	SERVER_KEY_STORE_FAILED: 4006,
	FRAME_DECRYPT: 4010,
	FRAME_REPLAY: 4011,
	FRAME_MALFORMED: 4012,
	/** A message the device never sends, or one out of turn. */
	PROTOCOL: 4013,
	FRAME_TOO_LARGE: 1009,
	RATE_LIMITED: 4029,
	SERVER_ERROR: 4500
} as const;

/** What the adapter reads of a socket's events: `message` carries data, `close` a code and reason. */
type SocketEvent = { type: string; data?: unknown; code?: number; reason?: string };

/** Adapts anything shaped like the WHATWG WebSocket (browser, or `ws` in Node). */
export function fromWhatwgSocket(ws: {
	binaryType: string;
	send(data: Uint8Array<ArrayBuffer>): void;
	close(code?: number, reason?: string): void;
	addEventListener(type: string, listener: (ev: SocketEvent) => void): void;
}): MinimalSocket {
	ws.binaryType = 'arraybuffer';
	// A failed connection is reported by 'close' (which drives the backoff); 'error' carries
	// nothing more, but in Node's ws an unheard 'error' would crash the process.
	ws.addEventListener('error', () => undefined);
	return {
		// Frames are always built in fresh ArrayBuffers (never shared memory).
		send: (d) => ws.send(d as Uint8Array<ArrayBuffer>),
		close: (code, reason) => ws.close(code, reason),
		onOpen: (h) => ws.addEventListener('open', () => h()),
		onMessage: (h) =>
			ws.addEventListener('message', (ev) => {
				if (ev.data instanceof ArrayBuffer) h(new Uint8Array(ev.data));
			}),
		onClose: (h) => ws.addEventListener('close', (ev) => h(ev.code ?? 1006, ev.reason ?? ''))
	};
}
