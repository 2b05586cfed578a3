import { EVENT_ERROR_MESSAGES, locateMyNumber } from '#shared/index';
import type { UpdateRefusalCode } from '#shared/protocol/refusals';
import type { SqlExecutor } from './sql';

/**
 * What the server keeps of the events it refuses, so that a refused record has a way back to
 * the ledger (issue 13): the event as the device sent it and every problem found in it. Called
 * from the refusal path (ingest names the refused events, the connection logs the refusal);
 * the office then records a refused record again, fixed, or dismisses it
 * (reconciliation/refused-actions.ts).
 *
 * Never a My Number: an event refused as MY_NUMBER keeps only the path of the field that held
 * one, and every content is searched again here before it is kept (the validator searched it
 * first; this is the second lock on the door, not the door).
 */

/** One problem of a refused event: a stable code, the field, and its Japanese text. */
export interface EventProblem {
	code: string;
	path: string;
	message: string;
}

export interface RefusedEvent {
	eventId: string;
	/** The event as sent; null when withheld. */
	content: Record<string, unknown> | null;
	withheld: 'my-number' | 'too-large' | null;
	/** For a My Number: where it was (`vaccine.lot`), never what. */
	myNumberField: string | null;
	problems: EventProblem[];
}

/** Texts of the refusals that are about an event's place in the batch rather than its fields. */
const PLACE_TEXTS: Partial<Record<UpdateRefusalCode, string>> = {
	EVENT_NOT_OF_BATCH: '記録の端末・会場・実施日がバッチと一致しません。',
	EVENT_DUPLICATE_ID: '同じ記録IDがこのバッチで二度使われています。',
	EVENT_REPLACES_FOREIGN: '訂正・取消の対象の記録がこのバッチにありません。',
	SERVICE_DAY_FUTURE: '実施日がサーバーの日付より先です。端末の日付・時計の誤りの可能性があります。'
};

/** The refusal code of one refused event, from its problems (as ingest decides it for an update's first fault). */
export function refusalCodeOf(problems: readonly EventProblem[]): string {
	const first = problems[0];
	if (!first) return 'EVENT_SCHEMA';
	if (problems.some((p) => p.code === 'MY_NUMBER')) return 'MY_NUMBER';
	if (first.code.startsWith('BATCH_') && first.code.endsWith('_MISMATCH')) return 'EVENT_NOT_OF_BATCH';
	return first.code in PLACE_TEXTS ? first.code : 'EVENT_SCHEMA';
}

export function problemsOfRefusal(code: UpdateRefusalCode, path: string): EventProblem[] {
	return [{ code, path, message: PLACE_TEXTS[code] ?? code }];
}

/** A refused event larger than this is kept without its content (a device sends one dose at a time; this is not one). */
export const MAX_REFUSED_CONTENT_CHARS = 16_384;

export function refusedEvent(value: { id: string }, problems: EventProblem[]): RefusedEvent {
	const myNumber = problems.find((p) => p.code === 'MY_NUMBER');
	const foundAt = myNumber ? null : locateMyNumber(value);
	if (myNumber || foundAt !== null) {
		const field = myNumber?.path ?? foundAt ?? '';
		// The path names keys only; a key that is not a plain field name is not echoed.
		const safe = field.split('.').every((k) => /^[A-Za-z][A-Za-z0-9_-]{0,39}$|^\d+$/.test(k)) ? field : '';
		// Problems are the server's own texts and field names, never values: they stay.
		const found = myNumber ?? { code: 'MY_NUMBER', path: safe, message: EVENT_ERROR_MESSAGES.MY_NUMBER };
		return {
			eventId: value.id,
			content: null,
			withheld: 'my-number',
			myNumberField: safe || null,
			problems: myNumber ? problems : [...problems, found]
		};
	}
	const json = JSON.stringify(value);
	if (json.length > MAX_REFUSED_CONTENT_CHARS)
		return { eventId: value.id, content: null, withheld: 'too-large', myNumberField: null, problems };
	return {
		eventId: value.id,
		content: value as Record<string, unknown>,
		withheld: null,
		myNumberField: null,
		problems
	};
}

/** Stores the refused events of one logged refusal, in the caller's transaction. */
export async function storeRefusedEvents(
	tx: SqlExecutor,
	r: { refusedUpdateId: number; deviceId: string; batchId: string },
	events: readonly RefusedEvent[]
): Promise<void> {
	for (const e of events) {
		await tx.query(
			`INSERT INTO refused_events (refused_update_id, device_id, batch_id, event_id, content, withheld, my_number_field, problems)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			[
				r.refusedUpdateId,
				r.deviceId,
				r.batchId,
				e.eventId,
				e.content === null ? null : JSON.stringify(e.content),
				e.withheld,
				e.myNumberField,
				JSON.stringify(e.problems)
			]
		);
	}
}

/** A stored refused event, as the rules and the office read it. */
export interface StoredRefusedEvent {
	id: number;
	refusedUpdateId: number;
	deviceId: string;
	batchId: string;
	eventId: string;
	content: Record<string, unknown> | null;
	withheld: 'my-number' | 'too-large' | null;
	myNumberField: string | null;
	problems: EventProblem[];
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export async function loadRefusedEvents(
	tx: SqlExecutor,
	where: { batches: string[] | null } | { id: number }
): Promise<StoredRefusedEvent[]> {
	const { rows } = await tx.query<Record<string, unknown>>(
		'id' in where
			? 'SELECT * FROM refused_events WHERE id = $1'
			: 'SELECT * FROM refused_events WHERE $1::text[] IS NULL OR batch_id = ANY($1::text[]) ORDER BY id',
		['id' in where ? where.id : where.batches]
	);
	return rows.map((r) => ({
		id: Number(r.id),
		refusedUpdateId: Number(r.refused_update_id),
		deviceId: r.device_id as string,
		batchId: r.batch_id as string,
		eventId: r.event_id as string,
		content: r.content === null ? null : json<Record<string, unknown>>(r.content),
		withheld: (r.withheld as StoredRefusedEvent['withheld']) ?? null,
		myNumberField: (r.my_number_field as string | null) ?? null,
		problems: json<EventProblem[]>(r.problems)
	}));
}

/**
 * What a person needs to recognise a refused record in the queue: its ticket, dose, lot and
 * date, read from the content only where each has its proper form (the content was refused, so
 * any field may be anything).
 */
export function summaryOf(content: Record<string, unknown> | null): {
	type: string | null;
	municipality: string | null;
	ticketNumber: string | null;
	doseNumber: number | null;
	lot: string | null;
	givenAt: string | null;
} {
	const c = content ?? {};
	const str = (v: unknown, re: RegExp) => (typeof v === 'string' && re.test(v) ? v : null);
	const vaccine = c.vaccine && typeof c.vaccine === 'object' ? (c.vaccine as Record<string, unknown>) : {};
	const dose = c.doseNumber;
	return {
		type: str(c.type, /^[a-z-]{1,20}$/),
		municipality: str(c.municipality, /^\d{6}$/),
		ticketNumber: str(c.ticketNumber, /^\d{10}$/),
		doseNumber: typeof dose === 'number' && Number.isInteger(dose) && dose >= 1 && dose <= 9 ? dose : null,
		lot: str(vaccine.lot, /^[!-~]{1,20}$/),
		givenAt: str(c.givenAt, /^\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})$/)
	};
}
