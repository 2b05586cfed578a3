import type { BatchSummary, HistoryEvent, Item, TicketHistory } from '#shared/office/reconciliation-api';
import { formatJst } from './jst';

export type { BatchSummary, HistoryEvent, Item, TicketHistory };

/** A record row of the batch detail answer, as the page reads it. */
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

/** Date and time in Japan, as the office reads it; a dash for none. */
export const jst = (iso: string | null): string => formatJst(iso) || '—';

/** `/office/batches/<device>/<site>/<day>` of a batch id. */
export const batchHref = (batchId: string) => `/office/batches/${batchId}`;

/**
 * A refusal code's text from the shared catalogue (never the bare code); only a code this
 * version does not know (a newer server) is shown as it is, so it is never dropped.
 */
export const refusalText = (code: string, texts: Record<string, string>): string => texts[code] ?? code;

/**
 * A short human summary of an item's details (identifiers and dates only). A refused update's
 * `code` is given as its text from `refusalCodes`.
 */
export function detailText(
	item: Pick<Item, 'details'>,
	labels: Record<string, string>,
	refusalCodes: Record<string, string> = {}
): string {
	const d = item.details;
	const parts: string[] = [];
	for (const [k, v] of Object.entries(d)) {
		if (v === null || v === undefined) continue;
		const value = Array.isArray(v) ? v.join(', ') : k === 'code' ? refusalText(String(v), refusalCodes) : String(v);
		parts.push(`${labels[k] ?? k}: ${value}`);
	}
	return parts.join(' / ');
}
