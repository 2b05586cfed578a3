/**
 * Reconciliation vocabulary shared by the server (rules, API) and the back-office pages:
 * reason codes of queue items, their statuses, and the states of a batch.
 */

/** Why a record or batch is in the review queue (stable codes; labels live in the client). */
export const REASONS = [
	'duplicate',
	'interval-too-short',
	'dose-out-of-order',
	'ticket-dose-mismatch',
	'ticket-not-in-register',
	'holder-moved-out',
	'holder-deceased',
	'other-municipality',
	'lot-unknown',
	'lot-expired',
	'lot-wrong-product',
	'lot-not-delivered',
	'tally-mismatch',
	'refused-update',
	'late-after-close'
] as const;
export type Reason = (typeof REASONS)[number];

/**
 * Reasons about a whole batch: the paper tally, a refused update, and events the device sent
 * after the office closed the batch on its behalf (sync-server/reconciliation/office-close.ts).
 */
export const BATCH_REASONS: readonly Reason[] = ['tally-mismatch', 'refused-update', 'late-after-close'];

/** Reasons about one dose record (the item can be resolved by correcting or voiding it). */
export const RECORD_REASONS: readonly Reason[] = REASONS.filter((r) => !BATCH_REASONS.includes(r));

/**
 * open: to decide. accepted: kept as is, with a note. voided / corrected: resolved by an office
 * event. reported: another municipality's ticket, reported to it. cleared: the rule no longer
 * holds after another change (set by the rules run, never by a person). dismissed: a refused
 * record the office decided not to record (a refused record recorded again is 'corrected').
 */
export const ITEM_STATUSES = ['open', 'accepted', 'voided', 'corrected', 'reported', 'cleared', 'dismissed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const BATCH_STATES = ['open', 'closed', 'received', 'checked', 'approved', 'exported'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

export const isReason = (v: unknown): v is Reason =>
	typeof v === 'string' && (REASONS as readonly string[]).includes(v);
