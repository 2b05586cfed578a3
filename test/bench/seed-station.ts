/**
 * Runs inside the station's page (bundled by chromium.ts): fills today's batch with `count`
 * dose events through the app's own storage code — the same database, data key, Yjs document
 * and row shapes the station writes and reads — in chunks of one transaction each, so a
 * 10,000-event day is seeded in seconds rather than one save at a time.
 */
import * as Y from 'yjs';
import { BATCH_EVENTS, batchId, parseBatchId, serviceDateOf, validateEvent } from '#shared/index';
import { StationDb, type EventRow } from '../../client/lib/storage/db';
import { loadIdentity } from '../../client/lib/storage/identity';
import { Vault, type WrappedKey } from '../../client/lib/storage/vault';
import { doseEvent } from '../helpers/fixtures';

const CHUNK = 500;

async function seedStation(staffCode: string, pin: string, count: number, offset = 0): Promise<number> {
	const db = new StationDb();
	try {
		const operators = ((await db.meta.get('operators'))?.value ?? []) as WrappedKey[];
		const wrapped = operators.find((w) => w.staffCode === staffCode);
		const vault = wrapped ? await Vault.unlock(wrapped, pin) : null;
		const identity = vault ? await loadIdentity(db, vault) : null;
		if (!vault || !identity) throw new Error('station not enrolled or wrong PIN');
		const batch = batchId({
			deviceId: identity.deviceId,
			siteCode: identity.siteCode,
			serviceDay: serviceDateOf(new Date().toISOString())!
		});
		// Recorded a moment ago, as a day's records are when the next scan comes. The fixture's
		// 10:00 JST put them after every scan made before 10:00 in Japan, so each save sorted
		// before the day and took the book's re-derive path (record-book.ts): the figure
		// depended on the hour the bench ran.
		const seededAt = new Date(Date.now() - 1000).toISOString();
		const at = serviceDateOf(seededAt) === parseBatchId(batch)?.serviceDay ? seededAt : new Date().toISOString();
		const doc = new Y.Doc({ gc: false });
		const stored = await db.updates.where('batchId').equals(batch).sortBy('seq');
		if (stored.length > 0)
			Y.applyUpdate(doc, Y.mergeUpdates(await Promise.all(stored.map((r) => vault.open(r.sealed)))));
		const events = doc.getArray(BATCH_EVENTS);
		for (let start = 0; start < count; start += CHUNK) {
			const chunk = Array.from({ length: Math.min(CHUNK, count - start) }, (_, i) => {
				const event = doseEvent(
					{ deviceId: identity.deviceId, batch, siteCode: identity.siteCode, municipality: identity.municipality },
					`5${String(offset + start + i).padStart(9, '0')}`,
					{ givenAt: at, recordedAt: at }
				);
				const checked = validateEvent(event);
				if (!checked.ok) throw new Error(`seed event invalid: ${checked.errors.map((e) => e.path).join(', ')}`);
				return checked.event;
			});
			const clock = Y.getState(doc.store, doc.clientID);
			const before = Y.encodeStateVector(doc);
			events.push(chunk);
			const update = Y.encodeStateAsUpdate(doc, before);
			const savedAt = new Date().toISOString();
			const sealedUpdate = await vault.seal(update);
			// Each JSON value in the array takes one Yjs clock tick, as in the app's appends.
			const rows: EventRow[] = await Promise.all(
				chunk.map(async (event, i) => ({
					id: event.id,
					batchId: batch,
					client: doc.clientID,
					clock: clock + i,
					state: 'local' as const,
					sealed: await vault.sealJson(event),
					savedAt
				}))
			);
			await db.transaction('rw', db.updates, db.events, async () => {
				await db.updates.add({ batchId: batch, sealed: sealedUpdate });
				await db.events.bulkAdd(rows);
			});
		}
		doc.destroy();
		return db.events.count();
	} finally {
		db.close();
	}
}

(globalThis as unknown as { seedStation: typeof seedStation }).seedStation = seedStation;
