import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { covers, joinStateVectors } from './yjs-state';

function docWith(client: number, n: number): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	doc.clientID = client;
	for (let i = 0; i < n; i++) doc.getArray('events').push([i]);
	return doc;
}

describe('state vectors', () => {
	it('tells whether one covers another, per client', () => {
		const a = Y.encodeStateVector(docWith(7, 3));
		const b = Y.encodeStateVector(docWith(7, 2));
		const other = Y.encodeStateVector(docWith(9, 1));
		expect(covers(a, b)).toBe(true);
		expect(covers(b, a)).toBe(false);
		expect(covers(a, other)).toBe(false);
		expect(covers(other, Uint8Array.of(0))).toBe(true);
	});

	it('joins two into the one Yjs itself would write for the merged document', () => {
		const x = docWith(7, 3);
		const y = docWith(9, 2);
		const joined = joinStateVectors(Y.encodeStateVector(x), Y.encodeStateVector(y));
		Y.applyUpdate(x, Y.encodeStateAsUpdate(y));
		expect([...joined]).toEqual([...Y.encodeStateVector(x)]);
		expect([...joinStateVectors(joined, Y.encodeStateVector(docWith(7, 1)))]).toEqual([...joined]);
	});
});
