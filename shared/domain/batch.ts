import { CODE_TEXT, isCode, isUuid, UUID_TEXT } from './codes';
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

/**
 * A batch id inside text (an event field, a request path, a log line): device UUID, site code and
 * `YYYY-MM-DD`, not run on by more of a code. The day is captured; check it with isIsoDate.
 */
export const BATCH_ID_IN_TEXT = new RegExp(
	`(?<![0-9A-Za-z_-])${UUID_TEXT}/${CODE_TEXT}/(\\d{4}-\\d{2}-\\d{2})(?![0-9A-Za-z_-])`,
	'gi'
);

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
