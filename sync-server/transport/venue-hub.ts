/**
 * Who watches which site's service day. When a batch update commits, every other device of
 * that site and day that asked for the venue view gets it, so a tablet can warn that a ticket
 * was already recorded at another table. In one process; across processes the same notice
 * travels by PostgreSQL LISTEN/NOTIFY (scale-out).
 */
export type VenueListener = (batchId: string, update: Uint8Array) => void;

export const venueKey = (siteCode: string, serviceDay: string) => `${siteCode}/${serviceDay}`;

export class VenueHub {
	private readonly listeners = new Map<string, Map<VenueListener, string>>();

	/** Returns the function that ends the subscription. */
	subscribe(key: string, deviceId: string, listener: VenueListener): () => void {
		let map = this.listeners.get(key);
		if (!map) {
			map = new Map();
			this.listeners.set(key, map);
		}
		map.set(listener, deviceId);
		return () => {
			map.delete(listener);
			if (map.size === 0 && this.listeners.get(key) === map) this.listeners.delete(key);
		};
	}

	publish(key: string, fromDevice: string, batchId: string, update: Uint8Array): void {
		const map = this.listeners.get(key);
		if (!map) return;
		for (const [listener, deviceId] of map) if (deviceId !== fromDevice) listener(batchId, update);
	}
}
