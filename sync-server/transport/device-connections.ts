import type { WebSocket } from 'ws';

/** Live authenticated sockets by device, so an admin action reaches a connected device at once. */
export class DeviceConnections {
	private readonly byDevice = new Map<string, Set<WebSocket>>();

	add(deviceId: string, ws: WebSocket): void {
		let set = this.byDevice.get(deviceId);
		if (!set) {
			set = new Set();
			this.byDevice.set(deviceId, set);
		}
		set.add(ws);
		ws.once('close', () => {
			set.delete(ws);
			if (set.size === 0 && this.byDevice.get(deviceId) === set) this.byDevice.delete(deviceId);
		});
	}

	close(deviceId: string, code: number, reason: string): number {
		const set = this.byDevice.get(deviceId);
		if (!set) return 0;
		for (const ws of set) ws.close(code, reason);
		return set.size;
	}

	get size(): number {
		return this.byDevice.size;
	}
}
