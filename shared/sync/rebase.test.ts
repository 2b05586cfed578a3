import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS } from '../domain/batch';
import { rebaseBatch } from './rebase';

const ids = (doc: Y.Doc) => doc.getArray<{ id: string }>(BATCH_EVENTS).map((e) => e.id);
function deviceDoc(...events: string[]) {
	const doc = new Y.Doc({ gc: false });
	for (const id of events) doc.getArray(BATCH_EVENTS).push([{ id }]);
	return doc;
}

describe('rebaseBatch', () => {
	it('keeps what the server accepted, drops the refused, re-appends the rest', () => {
		const device = deviceDoc('a', 'b');
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(device));
		const accepted = Y.encodeStateVector(server);
		for (const id of ['bad', 'c', 'd']) device.getArray(BATCH_EVENTS).push([{ id }]);

		const { doc, moved } = rebaseBatch(device, accepted, new Set(['bad']));
		expect(ids(doc)).toEqual(['a', 'b', 'c', 'd']);
		expect(moved.map((m) => m.id)).toEqual(['c', 'd']);

		// The server can apply the rebased diff: nothing depends on the refused item.
		const diff = Y.encodeStateAsUpdate(doc, accepted);
		Y.applyUpdate(server, diff);
		expect(server.store.pendingStructs).toBeNull();
		expect(ids(server)).toEqual(['a', 'b', 'c', 'd']);
		// And the diff deletes nothing.
		expect(Y.decodeUpdate(diff).ds.clients.size).toBe(0);
	});

	it('works when the server has nothing yet', () => {
		const device = deviceDoc('bad', 'x');
		const { doc, moved } = rebaseBatch(device, Y.encodeStateVector(new Y.Doc()), new Set(['bad']));
		expect(ids(doc)).toEqual(['x']);
		expect(moved).toHaveLength(1);
		expect(Y.getState(doc.store, moved[0]!.client)).toBe(moved[0]!.clock + 1);
	});
});
