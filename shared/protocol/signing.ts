import * as encoding from 'lib0/encoding';

/**
 * What gets signed. Domain-separated and length-prefixed so a signature over one kind of
 * object can never be presented as a signature over another. PROTOCOL.md §7 (with test vectors).
 */
export function updateSigningBytes(doc: string, deviceId: string, update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, 'vacc-update-v1');
	encoding.writeVarString(e, doc);
	encoding.writeVarString(e, deviceId);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e);
}

export function receiptSigningBytes(doc: string, stateVector: Uint8Array, eventCount: number): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, 'vacc-receipt-v1');
	encoding.writeVarString(e, doc);
	encoding.writeVarUint8Array(e, stateVector);
	encoding.writeVarUint(e, eventCount);
	return encoding.toUint8Array(e);
}
