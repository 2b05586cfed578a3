import WebSocket from 'ws';
import type { AppMessage } from '#shared/protocol/messages';
import { openDeviceChannel, type DeviceIdentity, type SecureChannel } from '#shared/sync/device-channel';
import { fromWhatwgSocket } from '#shared/sync/socket';

export interface RawClient {
	channel: SecureChannel;
	/** The socket itself, for frames the protocol would never produce. */
	ws: WebSocket;
	messages: AppMessage[];
	closed: Promise<{ code: number; reason: string }>;
	next(predicate: (m: AppMessage) => boolean): Promise<AppMessage>;
}

/** Opens an authenticated channel and records everything; resolves once the server welcomed it. */
export function connectRaw(serverUrl: string, identity: DeviceIdentity): Promise<RawClient> {
	const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/sync`);
	const messages: AppMessage[] = [];
	const listeners: (() => void)[] = [];
	let closeResult: (v: { code: number; reason: string }) => void = () => undefined;
	const closed = new Promise<{ code: number; reason: string }>((r) => (closeResult = r));
	return new Promise((resolve, reject) => {
		openDeviceChannel(fromWhatwgSocket(ws as unknown as Parameters<typeof fromWhatwgSocket>[0]), identity, {
			onReady: (channel) =>
				resolve({
					channel,
					ws,
					messages,
					closed,
					next: (predicate) =>
						new Promise((ok) => {
							const check = () => {
								const found = messages.find(predicate);
								if (found) {
									messages.splice(messages.indexOf(found), 1);
									ok(found);
								} else listeners.push(check);
							};
							check();
						})
				}),
			onMessage: (m) => {
				messages.push(m);
				for (const l of listeners.splice(0)) l();
			},
			onClose: (code, reason) => {
				closeResult({ code, reason });
				reject(new Error(`closed before ready: ${code} ${reason}`));
			}
		});
	});
}

/** Opens a socket and waits for it to close, returning the close code (for handshake refusals). */
export function closeCodeOf(serverUrl: string, identity: DeviceIdentity): Promise<number> {
	return connectRaw(serverUrl, identity).then(
		(c) => {
			c.ws.close();
			return 1000;
		},
		(e: Error) => Number(/closed before ready: (\d+)/.exec(e.message)?.[1] ?? 0)
	);
}
