import type { DoseEvent } from '#shared/index';
import type { ServerKeyPins } from '#shared/protocol/server-keys';
import type { DeviceSyncStore } from '#shared/sync/device-sync';
import type { BatchStore } from '../../client/lib/storage/batch-store';
import { enrolOverHttp, SimulatedDevice, type HeldState, type SimulatedIdentity } from './simulated-device';
import { openStationStore, type StationStore } from './station-store';

/**
 * A device running the store the PWA ships: BatchStore over IndexedDB (fake-indexeddb) with
 * every row sealed by the real vault (Node's WebCrypto), driven by the same sync engine as the
 * station. Records as the station does (stored, then pushed live), for the simulator and the
 * faults suites.
 */
export class StationDevice extends SimulatedDevice {
	/**
	 * Each recorded event's state as BatchStore last reported it. An event is counted from the
	 * moment it is handed to append, as MemoryDevice counts it, so `count('receipted') ===
	 * events.size` never holds while an append is still on its way to disk.
	 */
	readonly events = new Map<string, { state: HeldState }>();
	/** The device's store and database (a test may reach into IndexedDB, e.g. to fail a write). */
	station!: StationStore;

	private constructor(identity: SimulatedIdentity, serverUrl: string) {
		super(identity, serverUrl);
	}

	static async enrol(code: string): Promise<StationDevice> {
		const { identity, serverUrl } = await enrolOverHttp(code);
		return StationDevice.withIdentity(identity, serverUrl);
	}

	/** A device already enrolled, with an empty store of its own (e.g. a station restored from an older copy). */
	static async withIdentity(identity: SimulatedIdentity, serverUrl: string): Promise<StationDevice> {
		const device = new StationDevice(identity, serverUrl);
		device.station = await openStationStore({ ...identity, serverUrl }, () => void device.refresh());
		// Read once, the list of events stays in BatchStore's memory and follows every change.
		await device.station.store.listEvents();
		return device;
	}

	protected get store(): DeviceSyncStore {
		const store: BatchStore = this.station.store;
		return {
			...bound(store),
			// Kept here too, as the station reloads its identity at unlock (see SimulatedDevice.start).
			saveServerKeys: async (pins: ServerKeyPins) => {
				await store.saveServerKeys(pins);
				this.serverKeyPins = pins;
				this.notify();
			}
		};
	}

	/** Records an event as the station does: stored, then offered live. Resolves once stored. */
	async append(event: DoseEvent): Promise<void> {
		this.events.set(event.id, { state: 'local' });
		this.notify();
		const { live } = await this.station.store.append(event);
		void this.sync?.push(event.batch, live);
	}

	private async refresh(): Promise<void> {
		for (const v of await this.station.store.listEvents()) this.events.set(v.id, { state: v.state });
		this.notify();
	}

	/** Stops syncing and closes the database. */
	override close(): void {
		this.stop();
		this.station.close();
	}
}

/** BatchStore's DeviceSyncStore methods bound to it (a class's methods do not spread). */
function bound(store: BatchStore): DeviceSyncStore {
	return {
		pendingBatchIds: () => store.pendingBatchIds(),
		batchDoc: (id) => store.batchDoc(id),
		storedUpdates: (id) => store.storedUpdates(id),
		keepServerContent: (id, u) => store.keepServerContent(id, u),
		markSent: (id, sv) => store.markSent(id, sv),
		saveReceipt: (r) => store.saveReceipt(r),
		markRefused: (r) => store.markRefused(r),
		saveLots: (lots) => store.saveLots(lots),
		saveCatalog: (c) => store.saveCatalog(c),
		catalogVersion: () => store.catalogVersion(),
		venueUpdate: (id, u) => store.venueUpdate(id, u),
		unreceiptedCount: () => store.unreceiptedCount(),
		saveServerKeys: (p) => store.saveServerKeys(p)
	};
}
