import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_EVENTS, type DoseEvent } from '#shared/index';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { issueEnrolmentCode } from '../helpers/server-process';
import { StationDevice } from '../helpers/station-device';

/**
 * A station restored from an older copy of its IndexedDB lacks events the server holds. The
 * server sends them back (SyncStep2) and the station stores them before going on: a write
 * that fails is reported, never lost silently, and the content is taken at the next offer.
 */
describe("the server's content of a station's own batch", () => {
	let server: TestServer;
	const devices: StationDevice[] = [];
	beforeEach(async () => {
		server = await startTestServer();
	});
	afterEach(async () => {
		for (const d of devices.splice(0)) d.close();
		await server.dispose();
	});

	it('is stored by a restored station; a failed write reaches onError and is retried at the next offer', async () => {
		const original = await StationDevice.enrol(await issueEnrolmentCode(server.url));
		devices.push(original);
		original.start();
		const [kept, lost] = [original.doseEvent(), original.doseEvent()];
		await original.append(kept);
		const olderCopy = (await original.station.store.storedUpdates(original.batchFor()))[0]!;
		await original.append(lost);
		await original.until(() => original.count('receipted') === 2);
		original.close();

		// The older copy holds the first event only; the station records one more before it connects.
		const restored = await StationDevice.withIdentity(original.identity, original.serverUrl);
		devices.push(restored);
		const { store, db } = restored.station;
		const batch = restored.batchFor();
		await store.keepServerContent(batch, olderCopy);
		await restored.append(restored.doseEvent({}, '0000000003'));
		const add = db.updates.add.bind(db.updates);
		let failures = 1;
		db.updates.add = ((...args: Parameters<typeof add>) =>
			failures-- > 0 ? Promise.reject(new Error('QuotaExceededError')) : add(...args)) as typeof add;

		const ids = async () => (await store.batchDoc(batch)).getArray<DoseEvent>(BATCH_EVENTS).map((e) => e.id);
		restored.start();
		await restored.until(() => restored.errors.some((e) => e.includes('QuotaExceededError')));
		await restored.until(() => restored.count('receipted') === 1);
		expect(await ids()).not.toContain(lost.id);

		// The next offer of the batch (a new event, here after a reconnection) brings it back.
		restored.stop();
		await restored.append(restored.doseEvent({}, '0000000004'));
		restored.start();
		await restored.until(() => restored.count('receipted') === 2);
		expect(await ids()).toContain(lost.id);
		restored.station = await restored.station.reopen();
		const doc = await restored.station.store.batchDoc(batch);
		expect(
			doc
				.getArray<DoseEvent>(BATCH_EVENTS)
				.map((e) => e.id)
				.sort()
		).toEqual([kept.id, lost.id, ...restored.events.keys()].sort());
	});
});
