import type { DoseEvent } from '#shared/index';
import { openStationStore, type StationStore } from '../helpers/station-store';
import { deviceStoreContract, type DeviceStoreUnderTest, type HeldEvent } from './device-store.contract';

/** The store the PWA ships: BatchStore over IndexedDB (fake-indexeddb), sealed by the real vault. */
function underTest(station: StationStore): DeviceStoreUnderTest {
	const { store } = station;
	return {
		deviceId: station.identity.deviceId,
		store,
		append: async (event: DoseEvent) => (await store.append(event)).live,
		held: async () =>
			new Map(
				(await store.listEvents()).map((v): [string, HeldEvent] => [
					v.id,
					{ state: v.state, event: v.event, ...(v.refusal ? { refusal: v.refusal } : {}) }
				])
			),
		reopen: async () => underTest(await station.reopen()),
		purgeSettledBefore: (today) => store.purgeSettledBefore(today),
		close: () => station.close()
	};
}

deviceStoreContract('BatchStore', async () => underTest(await openStationStore()), { persistence: true, purge: true });
