/**
 * Why the server refused a device's update (MSG_REFUSED, and the refusal log the back office
 * reads). Stable codes: devices show them and the office pages give each its text, so a new
 * code is added here, where the type makes every list of texts name it.
 */
export const UPDATE_REFUSAL_CODES = [
	/** The update cannot be decoded or applied. */
	'UPDATE_MALFORMED',
	/** It deletes content: the batch log is append-only. */
	'UPDATE_DELETES',
	/** It writes something other than plain JSON events appended to the event array. */
	'UPDATE_SHAPE',
	/** It builds on content the server does not hold. */
	'UPDATE_MISSING_BASE',
	/** An event breaks the event schema or the vaccine catalogue. */
	'EVENT_SCHEMA',
	/** An event carries a My Number. */
	'MY_NUMBER',
	/** An event names another device, site, batch or service day. */
	'EVENT_NOT_OF_BATCH',
	/** An event id is used twice in the batch. */
	'EVENT_DUPLICATE_ID',
	/** A correction or void names an event outside the batch. */
	'EVENT_REPLACES_FOREIGN',
	/** The batch's service day is more than a day after the server's date in Japan. */
	'SERVICE_DAY_FUTURE',
	/** The document is not a batch of this device. */
	'NOT_YOUR_BATCH',
	/** The update's signature does not verify. */
	'BAD_SIGNATURE',
	/** The device was retired before this service day. */
	'DEVICE_RETIRED'
] as const;

export type UpdateRefusalCode = (typeof UPDATE_REFUSAL_CODES)[number];

export const isUpdateRefusalCode = (v: unknown): v is UpdateRefusalCode =>
	typeof v === 'string' && (UPDATE_REFUSAL_CODES as readonly string[]).includes(v);

/**
 * Refusals that say nothing against the update: the server could not store it now. They name no
 * event and are never logged as refusals; the device keeps its events unreceipted, backs off on
 * the open connection and offers the batch again (PROTOCOL.md §9.1).
 */
export const RETRYABLE_REFUSAL_CODES = [
	/** The ledger's disk is below the server's free-space threshold, or reported full. */
	'LEDGER_FULL',
	/** The ledger did not answer in time, or failed for a reason that will pass (restarting). */
	'LEDGER_UNAVAILABLE'
] as const;

export type RetryableRefusalCode = (typeof RETRYABLE_REFUSAL_CODES)[number];

export const isRetryableRefusal = (v: unknown): v is RetryableRefusalCode =>
	typeof v === 'string' && (RETRYABLE_REFUSAL_CODES as readonly string[]).includes(v);
