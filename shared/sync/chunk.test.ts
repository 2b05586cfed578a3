import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS } from '../domain/batch';
import { chunkedDiff } from './chunk';

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
