import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

/** An encoded Yjs update with no structs and an empty delete set is two zero bytes. */
export function hasContent(update: Uint8Array): boolean {
	return !(update.length === 2 && update[0] === 0 && update[1] === 0);
}

/**
 * A predicate telling whether the item written at (client, clock) is covered by a state
 * vector (e.g. a receipt's). The vector is decoded once, not once per event.
 */
export function coveredBy(stateVector: Uint8Array): (client: number, clock: number) => boolean {
	const sv = Y.decodeStateVector(stateVector);
	return (client, clock) => (sv.get(client) ?? 0) > clock;
}

/** Whether state vector `a` covers `b`: every client's clock in `b` is at most its clock in `a`. */
export function covers(a: Uint8Array, b: Uint8Array): boolean {
	const have = Y.decodeStateVector(a);
	for (const [client, clock] of Y.decodeStateVector(b)) if ((have.get(client) ?? 0) < clock) return false;
	return true;
}

/** The state vector holding, per client, the larger clock of `a` and `b`. */
export function joinStateVectors(a: Uint8Array, b: Uint8Array): Uint8Array {
	const out = Y.decodeStateVector(a);
	for (const [client, clock] of Y.decodeStateVector(b)) if ((out.get(client) ?? 0) < clock) out.set(client, clock);
	const e = encoding.createEncoder();
	// Y.encodeStateVector's layout: count, then (client, clock) pairs, highest client first.
	encoding.writeVarUint(e, out.size);
	for (const [client, clock] of [...out].sort((x, y) => y[0] - x[0])) {
		encoding.writeVarUint(e, client);
		encoding.writeVarUint(e, clock);
	}
	return encoding.toUint8Array(e);
}

/**
 * The first item of a Y.Array, to walk its items in array order (item.right). Yjs has no public
 * accessor: this reads its private `_start`, the one place that does. yjs is pinned to an exact
 * version in package.json for it, and yjs-state.test.ts fails if the field stops being the
 * array's head (chunkedDiff would cut no chunk, and the server's check would read no event).
 */
export function firstItem<T>(array: Y.Array<T>): Y.Item | null {
	return (array as unknown as { _start: Y.Item | null })._start;
}
