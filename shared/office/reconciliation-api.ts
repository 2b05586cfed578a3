import type { BatchState, ItemStatus, Reason } from './reconciliation';

/** The reconciliation API's answers: written by the server (sync-server/reconciliation/), read by the office pages. */

export interface BatchSummary {
	id: string;
	deviceId: string;
	deviceLabel: string;
	/** The device's status: a revoked or retired device may never close its open batches. */
	deviceStatus: 'active' | 'retired' | 'revoked';
	siteCode: string;
	serviceDay: string;
	state: BatchState;
	doses: number;
	notVaccinated: number;
	voided: number;
	/** The paper tally of the close in force: the device's own if it arrived, else the office's. */
	paperTally: number | null;
	closedAt: string | null;
	/** Who made the close in force: the device, or the office on its behalf (null while open). */
	closedBy: 'device' | 'office' | null;
	/** The office's close on the device's behalf, if any (even when a later device close is in force). */
	officeClose: { by: string; at: string; paperTally: number; reason: string } | null;
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
	records: {
		recordId: string;
		status: string;
		outcome: string;
		doseNumber: number;
		givenAt: string;
		product: string | null;
		lot: string | null;
		versions: number;
	}[];
	events: HistoryEvent[];
	items: Item[];
}

/** 接種記録の証明 of one ticket (GET /api/office/tickets/:municipality/:ticket/record): its active doses. */
export interface VaccinationRecord {
	municipality: string;
	/** The deployment's municipality name (MUNICIPALITY_NAME); empty when not set. */
	municipalityName: string;
	ticketNumber: string;
	doses: { doseNumber: number; givenOn: string; maker: string; product: string; lot: string; site: string }[];
}
