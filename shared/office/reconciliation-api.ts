import type { BatchState, ItemStatus, Reason } from './reconciliation';

/** The reconciliation API's answers: written by the server (sync-server/reconciliation/), read by the office pages. */

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
	eventId: string | null;
	municipality: string | null;
	ticketNumber: string | null;
	doseNumber: number | null;
	details: Record<string, unknown>;
	note: string | null;
	createdAt: string;
	resolvedBy: string | null;
	resolvedAt: string | null;
}

export interface HistoryEvent {
	eventId: string;
	recordId: string;
	type: string;
	source: 'device' | 'office';
	batchId: string;
	recordedAt: string;
	/** When the ledger stored it: the raw update's receipt time, or the office event's time. */
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
