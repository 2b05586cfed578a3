import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { covers, firstItem, joinStateVectors } from './yjs-state';

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

describe("Yjs's private array head (_start), read by firstItem", () => {
	it('is the first item of the array, and its right links visit every item in array order', () => {
		const doc = docWith(7, 3);
		// Another client appends, and one inserts at the head: items of two clients, not in clock order.
		const other = new Y.Doc({ gc: false });
		other.clientID = 9;
		Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
		other.getArray('events').push([3, 4]);
		other.getArray('events').insert(0, [-1]);
		const array = other.getArray<number>('events');
		expect(firstItem(new Y.Doc().getArray('events'))).toBeNull();
		const head = firstItem(array);
		expect(head).toBeInstanceOf(Y.Item);
		expect(head!.left).toBeNull();
		const walked: unknown[] = [];
		const ids: string[] = [];
		for (let item = head; item; item = item.right as Y.Item | null) {
			expect(item).toBeInstanceOf(Y.Item);
			expect(item.content).toBeInstanceOf(Y.ContentAny);
			walked.push(...(item.content as Y.ContentAny).arr);
			ids.push(`${item.id.client}:${item.id.clock}+${item.length}`);
		}
		expect(walked).toEqual(array.toArray());
		expect(walked).toEqual([-1, 0, 1, 2, 3, 4]);
		// Consecutive appends of one client merge into one item (chunkedDiff splits them by length).
		expect(ids).toEqual(['9:2+1', '7:0+3', '9:0+2']);
	});
});
