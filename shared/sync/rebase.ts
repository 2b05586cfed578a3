import * as Y from 'yjs';
import { BATCH_EVENTS } from '../domain/batch';

export interface MovedEvent {
	id: string;
	client: number;
	clock: number;
}

/**
 * Rebuilds a device's batch document after the server refused some of its events.
 *
 * Yjs items of one client depend on each other in clock order, so a refused item would hold
 * back every later item of the same document forever. The device therefore rebases: it keeps
 * exactly what the server has accepted (everything up to the server's state vector), and
 * appends again, as new items, the events that were neither accepted nor refused. The refused
 * events stay in the device's own records, marked with the reason, but leave the log the
 * server will ever see. Needs the old document to have been created with `gc: false`.
 */
export function rebaseBatch(
	old: Y.Doc,
	serverStateVector: Uint8Array,
	refusedIds: ReadonlySet<string>
): { doc: Y.Doc; moved: MovedEvent[] } {
	const accepted = Y.decodeStateVector(serverStateVector);
	const doc = Y.createDocFromSnapshot(old, Y.createSnapshot(Y.createDeleteSet(), accepted), new Y.Doc({ gc: false }));
	const acceptedIds = new Set(doc.getArray<{ id: string }>(BATCH_EVENTS).map((e) => e.id));
	const moved: MovedEvent[] = [];
	const target = doc.getArray(BATCH_EVENTS);
	for (const event of old.getArray<{ id: string }>(BATCH_EVENTS).toArray()) {
		if (acceptedIds.has(event.id) || refusedIds.has(event.id)) continue;
		const clock = Y.getState(doc.store, doc.clientID);
		target.push([event]);
		moved.push({ id: event.id, client: doc.clientID, clock });
	}
	return { doc, moved };
}
