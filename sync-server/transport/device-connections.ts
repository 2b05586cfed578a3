import type { WebSocket } from 'ws';

type Closer = (code: number, reason: string) => void;

/** Live authenticated connections by device, so an admin action reaches a connected device at once. */
export class DeviceConnections {
	private readonly byDevice = new Map<string, Map<WebSocket, Closer>>();

	/** `close` must stop the connection from handling anything further, at once. */
	add(deviceId: string, ws: WebSocket, close: Closer): void {
		let map = this.byDevice.get(deviceId);
		if (!map) {
			map = new Map();
			this.byDevice.set(deviceId, map);
		}
		map.set(ws, close);
		ws.once('close', () => {
			map.delete(ws);
			if (map.size === 0 && this.byDevice.get(deviceId) === map) this.byDevice.delete(deviceId);
		});
	}

	close(deviceId: string, code: number, reason: string): number {
		const map = this.byDevice.get(deviceId);
		if (!map) return 0;
		for (const close of map.values()) close(code, reason);
		return map.size;
	}
}
