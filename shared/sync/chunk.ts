import * as Y from 'yjs';
import { BATCH_EVENTS } from '../domain/batch';
import { firstItem, hasContent } from './yjs-state';

/** Below the server's frame limit with room for the envelope and signature. */
export const MAX_UPDATE_BYTES = 512 * 1024;

/**
 * Splits what a batch document holds beyond `from` into updates of at most `maxBytes`, each
 * applicable after the previous one. A day recorded offline can be larger than one frame.
 *
 * Chunks follow the event array's order. On a device's own batch every event is appended at
 * the end, so any prefix of the array is causally closed: a chunk never depends on content a
 * later chunk brings. Needs `gc: false` (the document is restored at intermediate states).
 */
export function chunkedDiff(doc: Y.Doc, from: Uint8Array, maxBytes = MAX_UPDATE_BYTES): Uint8Array[] {
	const whole = Y.encodeStateAsUpdate(doc, from);
	if (whole.length <= maxBytes) return [whole];

	// Clock at which each array position ends, in array order.
	const ends: [client: number, clockEnd: number][] = [];
	let item = firstItem(doc.getArray(BATCH_EVENTS));
	for (; item; item = item.right) {
		for (let i = 1; i <= item.length; i++) ends.push([item.id.client, item.id.clock + i]);
	}
	const base = Y.decodeStateVector(from);
	const chunks: Uint8Array[] = [];
	let prev = from;
	let position = ends.findIndex(([client, end]) => end > (base.get(client) ?? 0));
	let step = 256;
	while (position !== -1 && position < ends.length) {
		const take = Math.min(step, ends.length - position);
		const target = new Map(base);
		for (let i = 0; i < position + take; i++) {
			const [client, end] = ends[i]!;
			if ((target.get(client) ?? 0) < end) target.set(client, end);
		}
		const partial = Y.createDocFromSnapshot(
			doc,
			Y.createSnapshot(Y.createDeleteSet(), target),
			new Y.Doc({ gc: false })
		);
		const update = Y.encodeStateAsUpdate(partial, prev);
		if (update.length > maxBytes && take > 1) {
			step = Math.max(1, Math.floor(take / 2));
			partial.destroy();
			continue;
		}
		chunks.push(update);
		prev = Y.encodeStateVector(partial);
		partial.destroy();
		position += take;
		for (const [k, v] of target) base.set(k, v);
	}
	return chunks;
}

/**
 * Groups of stored per-event updates (in the order they were saved) that together hold what a
 * batch has beyond `from`, each group under `maxBytes` once merged (Y.mergeUpdates), so an
 * upload is made from the small updates already on disk instead of rebuilding the whole
 * document per chunk. Each update is first cut to what `from` lacks (Y.diffUpdate). Groups are
 * made lazily, so the caller signs and sends each as soon as it is made. Null when one stored
 * update alone is larger than `maxBytes` (a rebased log is one stored update): chunkedDiff
 * splits that one by events.
 */
export function mergedChunks(
	updates: readonly Uint8Array[],
	from: Uint8Array,
	maxBytes = MAX_UPDATE_BYTES
): Iterable<Uint8Array> | null {
	const diffs: Uint8Array[] = [];
	// A server holding nothing of the batch (a day recorded offline, uploaded for the first
	// time) lacks every update whole: cutting each would only decode and re-encode it.
	const fromNothing = Y.decodeStateVector(from).size === 0;
	for (const u of updates) {
		const d = fromNothing ? u : Y.diffUpdate(u, from);
		if (d.length > maxBytes) return null;
		if (hasContent(d)) diffs.push(d);
	}
	return (function* () {
		let start = 0;
		while (start < diffs.length) {
			// Merging only removes repeated headers, so the sum of the parts bounds the result.
			let end = start;
			let size = 0;
			while (end < diffs.length && (end === start || size + diffs[end]!.length <= maxBytes))
				size += diffs[end++]!.length;
			yield end - start === 1 ? diffs[start]! : Y.mergeUpdates(diffs.slice(start, end));
			start = end;
		}
	})();
}
