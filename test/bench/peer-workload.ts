import * as Y from 'yjs';
import { BATCH_EVENTS } from '#shared/index';
import type { MemoryDevice } from '../helpers/memory-device';
import { dayTicket } from '../tools/simulate';

/** One device's batch for the peer comparison: the document name and its updates, one per dose. */
export interface BatchWorkload {
	device: MemoryDevice;
	doc: string;
	updates: Uint8Array[];
}

/**
 * The same Yjs updates for both servers: one document per batch, one update per dose, as a
 * tablet produces them while recording live. Built before any clock starts. Each dose has a
 * ticket of its own (clean-day.ts, dayTicket).
 */
export function buildWorkload(devices: MemoryDevice[], doses: number, firstTicket: number): BatchWorkload[] {
	return devices.map((device, i) => {
		const doc = new Y.Doc({ gc: false });
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		for (let j = 0; j < doses; j++)
			doc.getArray(BATCH_EVENTS).push([device.doseEvent({}, dayTicket(firstTicket, doses, i, j))]);
		doc.destroy();
		return { device, doc: device.batchFor(), updates };
	});
}
