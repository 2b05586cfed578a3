import * as Y from 'yjs';

/**
 * A copy of each batch document for checkUpdate to integrate an update into before anything
 * is stored. Copying a document costs O(batch size); a tablet recording live sends one update
 * per dose, so copying for each one made a day's batch cost O(doses²). The copy is kept
 * between updates instead: handed out by take(), given back by keep() once the document has
 * received the same update, dropped after a refusal (it then holds what the document must not).
 */
export class ScratchCopies {
	private readonly copies = new WeakMap<Y.Doc, Y.Doc>();

	/** A copy holding exactly `doc`'s content: the kept one if it still does, else a new one. */
	take(doc: Y.Doc): Y.Doc {
		const kept = this.copies.get(doc);
		this.copies.delete(doc);
		// The document may have changed without it (an update absorbed from another process).
		if (kept && sameContent(kept, doc)) return kept;
		kept?.destroy();
		const copy = new Y.Doc({ gc: false });
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
		return copy;
	}

	/** Gives a copy back for the next update, if it still holds exactly `doc`'s content. */
	keep(doc: Y.Doc, copy: Y.Doc): void {
		if (sameContent(copy, doc)) this.copies.set(doc, copy);
		else copy.destroy();
	}
}

/**
 * Same state vector and delete set. Every update either reaches both or is refused (and the
 * copy dropped), and content is only ever added, so this is enough to tell a stale copy.
 */
function sameContent(a: Y.Doc, b: Y.Doc): boolean {
	return a.store.pendingStructs === null && a.store.pendingDs === null && Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b));
}
