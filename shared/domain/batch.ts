import { isCode, isUuid } from './codes';
import { isIsoDate } from './dates';

/**
 * A batch is one device × one site (venue or clinic) × one service day, and one Yjs document.
 * Its id names all three so the server can check ownership before it reads a single event.
 */
export interface BatchKey {
	deviceId: string;
	siteCode: string;
	serviceDay: string; // YYYY-MM-DD, local date of the site
}

export function batchId(key: BatchKey): string {
	return `${key.deviceId}/${key.siteCode}/${key.serviceDay}`;
}

export function parseBatchId(id: string): BatchKey | null {
	if (typeof id !== 'string') return null;
	const parts = id.split('/');
	if (parts.length !== 3) return null;
	const [deviceId, siteCode, serviceDay] = parts as [string, string, string];
	if (!isUuid(deviceId) || !isCode(siteCode) || !isIsoDate(serviceDay)) return null;
	return { deviceId, siteCode, serviceDay };
}

export function isSiteCode(code: string): boolean {
	return isCode(code);
}

/** Name of the append-only Y.Array holding a batch's events. */
export const BATCH_EVENTS = 'events';
