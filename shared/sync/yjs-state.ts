import * as Y from 'yjs';

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
