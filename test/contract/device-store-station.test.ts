import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS, batchId } from '#shared/index';
import { doseEvent } from '../helpers/fixtures';
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

describe("BatchStore: the server's content when IndexedDB refuses the write", () => {
	it('rejects, keeps memory as stored, and stores it when offered again', async () => {
		let station = await openStationStore();
		const batch = batchId({ deviceId: station.identity.deviceId, siteCode: 'V001', serviceDay: '2026-11-22' });
		const lost = doseEvent({ deviceId: station.identity.deviceId, batch });
		const elsewhere = new Y.Doc({ gc: false });
		elsewhere.getArray(BATCH_EVENTS).push([lost]);
		const update = Y.encodeStateAsUpdate(elsewhere);

		const add = station.db.updates.add.bind(station.db.updates);
		let failures = 1;
		station.db.updates.add = ((...args: Parameters<typeof add>) =>
			failures-- > 0 ? Promise.reject(new Error('QuotaExceededError')) : add(...args)) as typeof add;

		await expect(station.store.keepServerContent(batch, update)).rejects.toThrow('QuotaExceededError');
		// Memory never runs ahead of the disk: the document holds what is stored.
		expect((await station.store.batchDoc(batch)).getArray(BATCH_EVENTS).length).toBe(0);

		await station.store.keepServerContent(batch, update);
		station = await station.reopen();
		expect((await station.store.batchDoc(batch)).getArray(BATCH_EVENTS).toJSON()).toEqual([lost]);
		station.close();
	});
});
