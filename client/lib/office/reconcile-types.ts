import type { BatchState, ItemStatus, Reason } from '$shared/office/reconciliation';

/** Shapes of the reconciliation API's answers (sync-server/reconciliation/), as the pages read them. */

export interface BatchSummary {
	id: string;
	deviceId: string;
	deviceLabel: string;
	siteCode: string;
	serviceDay: string;
	state: BatchState;
	doses: number;
	notVaccinated: number;
	voided: number;
	paperTally: number | null;
	closedAt: string | null;
	lastSyncAt: string | null;
	refusedUpdates: number;
	openItems: number;
	checkedBy: string | null;
	checkedAt: string | null;
	approvedBy: string | null;
	approvedAt: string | null;
}

export interface Item {
	id: number;
	reason: Reason;
	status: ItemStatus;
	batchId: string;
	siteCode: string | null;
	serviceDay: string | null;
	recordId: string | null;
	municipality: string | null;
	ticketNumber: string | null;
	doseNumber: number | null;
	details: Record<string, unknown>;
	note: string | null;
	createdAt: string;
	resolvedBy: string | null;
	resolvedAt: string | null;
}

export interface BatchRecord {
	recordId: string;
	status: string;
	outcome: string;
	municipality: string;
	ticketNumber: string;
	doseNumber: number;
	givenAt: string;
	product: string | null;
	lot: string | null;
	versions: number;
}

export interface HistoryEvent {
	eventId: string;
	recordId: string;
	type: string;
	source: 'device' | 'office';
	batchId: string;
	recordedAt: string;
	storedAt: string | null;
	deviceLabel: string | null;
	operator: string | null;
	officeUser: string | null;
	officeUserName: string | null;
	reason: string | null;
	replaces: string | null;
	payload: Record<string, unknown>;
}

export interface TicketHistory {
	municipality: string;
	ticketNumber: string;
	records: { recordId: string; status: string; outcome: string; doseNumber: number; givenAt: string; product: string | null; lot: string | null; versions: number }[];
	events: HistoryEvent[];
	items: Item[];
}

/** Date and time in Japan, as the office reads it. */
export function jst(iso: string | null): string {
	if (!iso) return '—';
	return new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** `/office/batches/<device>/<site>/<day>` of a batch id. */
export const batchHref = (batchId: string) => `/office/batches/${batchId}`;

/** A short human summary of an item's details (identifiers and dates only). */
export function detailText(item: Item, labels: Record<string, string>): string {
	const d = item.details;
	const parts: string[] = [];
	for (const [k, v] of Object.entries(d)) {
		if (v === null || v === undefined) continue;
		parts.push(`${labels[k] ?? k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
	}
	return parts.join(' / ');
}
