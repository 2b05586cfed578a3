import type { WebSocket } from 'ws';

type Closer = (code: number, reason: string) => void;

interface LiveConnection {
	/** Must stop the connection from handling anything further, at once. */
	close: Closer;
	/** Sends the device its site's lots and the current vaccine catalogue again. */
	sendMasters: () => void;
}

/**
 * Live authenticated connections by device, so an admin action (revoke, retire) or a change of
 * the master data devices hold (lots, vaccine catalogue) reaches a connected device at once.
 */
export class DeviceConnections {
	private readonly byDevice = new Map<string, Map<WebSocket, LiveConnection>>();

	add(deviceId: string, ws: WebSocket, connection: LiveConnection): void {
		let map = this.byDevice.get(deviceId);
		if (!map) {
			map = new Map();
			this.byDevice.set(deviceId, map);
		}
		map.set(ws, connection);
		ws.once('close', () => {
			map.delete(ws);
			if (map.size === 0 && this.byDevice.get(deviceId) === map) this.byDevice.delete(deviceId);
		});
	}

	close(deviceId: string, code: number, reason: string): number {
		const map = this.byDevice.get(deviceId);
		if (!map) return 0;
		for (const c of map.values()) c.close(code, reason);
		return map.size;
	}

	/**
	 * The lots or the catalogue changed: every connected device gets them again now, not at its
	 * next connection (a tablet online all day would otherwise refuse a vial of a lot or GTIN
	 * the office added at noon). Returns how many connections were told.
	 */
	sendMastersToAll(): number {
		let n = 0;
		for (const map of this.byDevice.values()) {
			for (const c of map.values()) {
				c.sendMasters();
				n++;
			}
		}
		return n;
	}
}
