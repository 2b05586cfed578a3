import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BATCH_EVENTS, type DoseEvent } from '#shared/index';
import { valuesAddedBy } from './rebuild';

/** Stand-ins for events: valuesAddedBy reads values, it does not validate them. */
const ev = (id: string) => ({ id }) as unknown as DoseEvent;

describe('valuesAddedBy (ledger rebuild)', () => {
	it('returns exactly what each update adds to the array, as re-reading the whole array would', () => {
		// A device's day over three app sessions (three Yjs client ids), synced in pieces,
		// with one update sent again whole (a reconnect that resends what the server holds).
		const device = new Y.Doc({ gc: false });
		const replica = new Y.Doc({ gc: false });
		const stored: Uint8Array[] = [];
		let n = 0;
		let synced = Y.encodeStateVector(device);
		for (const session of [1, 2, 3]) {
			device.clientID = 1000 + session;
			for (const size of [1, 3, 2]) {
				const arr = device.getArray<DoseEvent>(BATCH_EVENTS);
				for (let i = 0; i < size; i++) arr.push([ev(`e${n++}`)]);
				stored.push(Y.encodeStateAsUpdate(device, synced));
				synced = Y.encodeStateVector(device);
			}
		}
		stored.push(Y.encodeStateAsUpdate(device));

		const reference = new Y.Doc({ gc: false });
		const seen = new Set<string>();
		for (const update of stored) {
			Y.applyUpdate(reference, update);
			const expected = reference
				.getArray<DoseEvent>(BATCH_EVENTS)
				.toArray()
				.filter((e) => !seen.has(e.id));
			for (const e of expected) seen.add(e.id);
			expect(valuesAddedBy(replica, update).map((e) => e.id)).toEqual(expected.map((e) => e.id));
		}
		expect(seen.size).toBe(18);
	});

	it('reads the part of a merged item the update added, not the part already held', () => {
		const device = new Y.Doc({ gc: false });
		const arr = device.getArray<DoseEvent>(BATCH_EVENTS);
		arr.push([ev('a'), ev('b')]);
		const first = Y.encodeStateAsUpdate(device);
		arr.push([ev('c')]);
		const replica = new Y.Doc({ gc: false });
		expect(valuesAddedBy(replica, first).map((e) => e.id)).toEqual(['a', 'b']);
		// The whole state again: one struct a..c of which only c is new.
		expect(valuesAddedBy(replica, Y.encodeStateAsUpdate(device)).map((e) => e.id)).toEqual(['c']);
	});
});
