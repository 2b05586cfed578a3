import * as encoding from 'lib0/encoding';

/**
 * Hand-made Yjs v1 updates that no Yjs document would produce: each group is one ContentAny
 * item of one client, with its parent given by root name or by the ID of another item.
 * For hostile-input tests of the server's update checks.
 */
export function craftUpdate(
	groups: { client: number; clock: number; parent: string | { client: number; clock: number }; values: unknown[] }[]
): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, groups.length);
	for (const g of groups) {
		encoding.writeVarUint(e, 1); // one struct in this group
		encoding.writeVarUint(e, g.client);
		encoding.writeVarUint(e, g.clock);
		encoding.writeUint8(e, 8); // info: ContentAny, no origins, no parentSub
		if (typeof g.parent === 'string') {
			encoding.writeVarUint(e, 1);
			encoding.writeVarString(e, g.parent);
		} else {
			encoding.writeVarUint(e, 0);
			encoding.writeVarUint(e, g.parent.client);
			encoding.writeVarUint(e, g.parent.clock);
		}
		encoding.writeVarUint(e, g.values.length);
		for (const v of g.values) encoding.writeAny(e, v as Parameters<typeof encoding.writeAny>[1]);
	}
	encoding.writeVarUint(e, 0); // empty delete set
	return encoding.toUint8Array(e);
}
