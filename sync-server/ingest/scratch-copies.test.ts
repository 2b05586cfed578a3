import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS } from '../../shared/index';
import { ScratchCopies } from './scratch-copies';

const append = (doc: Y.Doc, value: unknown) => {
	const sv = Y.encodeStateVector(doc);
	doc.getArray(BATCH_EVENTS).push([value]);
	return Y.encodeStateAsUpdate(doc, sv);
};
const content = (doc: Y.Doc) => doc.getArray(BATCH_EVENTS).toJSON();

describe('ScratchCopies: a copy of each batch document kept between updates', () => {
	it('hands out a copy with the document’s content, and the same one again once kept', () => {
		const doc = new Y.Doc({ gc: false });
		const device = new Y.Doc();
		Y.applyUpdate(doc, append(device, 1));
		const copies = new ScratchCopies();
		const copy = copies.take(doc);
		expect(content(copy)).toEqual([1]);
		const update = append(device, 2);
		Y.applyUpdate(copy, update);
		Y.applyUpdate(doc, update);
		copies.keep(doc, copy);
		expect(copies.take(doc)).toBe(copy);
	});

	it('never hands out a copy that differs from the document', () => {
		const doc = new Y.Doc({ gc: false });
		const device = new Y.Doc();
		const copies = new ScratchCopies();
		// Given back holding an update the document never received (a refusal's aftermath).
		const refused = copies.take(doc);
		Y.applyUpdate(refused, append(device, 'refused'));
		copies.keep(doc, refused);
		expect(content(copies.take(doc))).toEqual([]);
		// The document changed without the copy (an update absorbed from another process).
		const stale = copies.take(doc);
		copies.keep(doc, stale);
		Y.applyUpdate(doc, append(new Y.Doc(), 'absorbed'));
		const fresh = copies.take(doc);
		expect(fresh).not.toBe(stale);
		expect(content(fresh)).toEqual(['absorbed']);
	});
});
