import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS } from '../domain/batch';
import { chunkedDiff, mergedChunks } from './chunk';

function deviceDoc(n: number, reloads = 1) {
	let doc = new Y.Doc({ gc: false });
	for (let r = 0; r < reloads; r++) {
		// A reload: same content, a new client id for what follows.
		const next = new Y.Doc({ gc: false });
		Y.applyUpdate(next, Y.encodeStateAsUpdate(doc));
		doc = next;
		for (let i = 0; i < n; i++) doc.getArray(BATCH_EVENTS).push([{ id: `${r}-${i}`, pad: 'x'.repeat(200) }]);
	}
	return doc;
}

describe('chunkedDiff', () => {
	it('returns one update when it fits', () => {
		const doc = deviceDoc(3);
		expect(chunkedDiff(doc, Y.encodeStateVector(new Y.Doc()))).toHaveLength(1);
	});

	it('splits a large diff into bounded updates the server can apply one after another', () => {
		const doc = deviceDoc(400, 3);
		const server = new Y.Doc();
		// The server already holds part of it.
		const half = new Y.Doc();
		Y.applyUpdate(half, chunkedDiff(doc, Y.encodeStateVector(half), 50_000)[0]!);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(half));
		const chunks = chunkedDiff(doc, Y.encodeStateVector(server), 50_000);
		expect(chunks.length).toBeGreaterThan(3);
		for (const c of chunks) {
			expect(c.length).toBeLessThanOrEqual(50_000);
			Y.applyUpdate(server, c);
			expect(server.store.pendingStructs).toBeNull();
		}
		expect(server.getArray(BATCH_EVENTS).toJSON()).toEqual(doc.getArray(BATCH_EVENTS).toJSON());
	});
});

describe('mergedChunks', () => {
	/** A device's log as the station stores it: one update per event, over several reloads. */
	function stored(n: number, reloads: number) {
		let doc = new Y.Doc({ gc: false });
		const updates: Uint8Array[] = [];
		for (let r = 0; r < reloads; r++) {
			const next = new Y.Doc({ gc: false });
			Y.applyUpdate(next, Y.encodeStateAsUpdate(doc));
			doc = next;
			for (let i = 0; i < n; i++) {
				const before = Y.encodeStateVector(doc);
				doc.getArray(BATCH_EVENTS).push([{ id: `${r}-${i}`, pad: 'x'.repeat(200) }]);
				updates.push(Y.encodeStateAsUpdate(doc, before));
			}
		}
		return { doc, updates };
	}

	it('merges the stored updates the server lacks into bounded chunks it can apply one after another', () => {
		const { doc, updates } = stored(400, 3);
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.mergeUpdates(updates.slice(0, 500)));
		const chunks = [...mergedChunks(updates, Y.encodeStateVector(server), 50_000)!];
		expect(chunks.length).toBeGreaterThan(3);
		// Far fewer than one per update: merged up to the bound.
		expect(chunks.length).toBeLessThan(20);
		for (const c of chunks) {
			expect(c.length).toBeLessThanOrEqual(50_000);
			Y.applyUpdate(server, c);
			expect(server.store.pendingStructs).toBeNull();
		}
		expect(server.getArray(BATCH_EVENTS).toJSON()).toEqual(doc.getArray(BATCH_EVENTS).toJSON());
	});

	it('sends nothing the server has, and leaves a stored update larger than the bound to chunkedDiff', () => {
		const { doc, updates } = stored(10, 1);
		expect([...mergedChunks(updates, Y.encodeStateVector(doc))!]).toEqual([]);
		expect(mergedChunks([Y.encodeStateAsUpdate(doc)], Uint8Array.of(0), 1000)).toBeNull();
	});
});
