import * as Y from 'yjs';
import type { UpdateRefusalCode } from '#shared/protocol/refusals';
import { firstItem } from '#shared/sync/yjs-state';
import {
	BATCH_EVENTS,
	containsMyNumber,
	daysBetween,
	isUuid,
	type BatchKey,
	type DoseEvent,
	type EventValidator
} from '#shared/index';
import { problemsOfRefusal, refusedEvent, type EventProblem, type RefusedEvent } from '../ledger/refused-events';

export type CheckResult =
	| { ok: true; events: DoseEvent[]; changes: boolean }
	/** `refused`: each nameable refused event with everything wrong with it, kept for the office. */
	| { ok: false; code: UpdateRefusalCode; message: string; eventIds: string[]; refused?: RefusedEvent[] };

export interface CheckContext {
	key: BatchKey;
	batchId: string;
	/** Event ids already in this batch on the server. */
	knownEventIds: ReadonlySet<string>;
	/** Schema and catalogue check of one event (the server's: any stored catalogue version, see sync-server/catalog). */
	validate: EventValidator;
	/** The server's current date in Japan (`YYYY-MM-DD`), from its clock. */
	today: string;
}

/**
 * Days a batch's service day may lie after the server's date in Japan. One: a station whose
 * clock runs a little ahead near midnight still gets its records in; a batch for next month or
 * 2099-12-31 is a wrong clock or a forgery, and would sit in the ledger as a day to come.
 */
export const MAX_SERVICE_DAYS_AHEAD = 1;

const refuse = (
	code: UpdateRefusalCode,
	message: string,
	eventIds: string[] = [],
	refused: RefusedEvent[] = []
): CheckResult => ({ ok: false, code, message, eventIds, refused });

/**
 * Decides whether a device's update may touch the ledger, before anything is stored. The
 * batch document is an append-only log: the update may only add plain JSON values to the
 * `events` array, each a valid event of this device and batch, and must delete nothing.
 *
 * The update is integrated into `doc` itself, once: what it really adds is read from the
 * document's store afterwards (the decoded structs alone can differ from it: a struct whose
 * parent is an item is discarded, a client listed twice in one update keeps only its last
 * group). So after a refusal `doc` holds what it must not and the caller must drop it (see
 * BatchDocs.discard); after an accepted update it holds the update, committed or not, which
 * is the caller's to settle the same way if the commit fails.
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, ctx: CheckContext): CheckResult {
	const integrated = integrate(doc, update);
	if (!integrated.ok) return integrated;
	return checkEvents(integrated.values, ctx, integrated.added > 0);
}

/** What an update added to the event array, read from the document after integrating it. */
export function integrate(
	doc: Y.Doc,
	update: Uint8Array
): { ok: true; values: unknown[]; added: number } | Extract<CheckResult, { ok: false }> {
	const events = doc.getArray(BATCH_EVENTS);
	const before = Y.decodeStateVector(Y.encodeStateVector(doc));
	let deletes = false;
	const onTransaction = (tr: Y.Transaction) => {
		if (tr.deleteSet.clients.size > 0) deletes = true;
	};
	doc.on('afterTransaction', onTransaction);
	try {
		Y.applyUpdate(doc, update);
	} catch {
		return refuse('UPDATE_MALFORMED', 'the update cannot be applied') as Extract<CheckResult, { ok: false }>;
	} finally {
		doc.off('afterTransaction', onTransaction);
	}
	const fail = (code: UpdateRefusalCode, message: string) =>
		refuse(code, message) as Extract<CheckResult, { ok: false }>;
	if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
		return fail('UPDATE_MISSING_BASE', 'the update depends on content the server does not have');
	}
	if (deletes) return fail('UPDATE_DELETES', 'the batch log is append-only: the update deletes content');
	for (const name of doc.share.keys()) {
		// Fixed text: the name came from the device and could be anything, a My Number included.
		if (name !== BATCH_EVENTS)
			return fail('UPDATE_SHAPE', 'the update writes to a shared type other than the event array');
	}
	// Every struct the update added, client by client from the clock the document had before:
	// O(what was added), never a walk over the whole batch.
	const fresh = new Set<Y.Item>();
	let added = 0;
	let count = 0;
	for (const [client, structs] of doc.store.clients) {
		const from = before.get(client) ?? 0;
		const end = Y.getState(doc.store, client);
		if (end <= from) continue;
		added += end - from;
		for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
			const struct = structs[i]!;
			// A GC struct: deleted content, or an item Yjs discarded (its parent was no type).
			if (!(struct instanceof Y.Item)) return fail('UPDATE_SHAPE', 'the update adds content outside the event array');
			if (struct.deleted) return fail('UPDATE_DELETES', 'the batch log is append-only: the update deletes content');
			if (!(struct.content instanceof Y.ContentAny))
				return fail('UPDATE_SHAPE', 'only plain JSON events may be appended');
			if (struct.parent !== events || struct.parentSub !== null)
				return fail('UPDATE_SHAPE', 'events must be appended to the event array');
			fresh.add(struct);
			count += struct.length - Math.max(0, from - struct.id.clock);
		}
	}
	if (added !== count) return fail('UPDATE_SHAPE', 'the update adds content outside the event array');
	// In array order (a correction comes after what it corrects): from the first new item
	// rightwards, which for appended events visits only them. New items not in one run (an
	// insert before older events) make the walk start at the array's head.
	const values: unknown[] = [];
	let first = fresh.values().next().value as Y.Item | undefined;
	while (first?.left && fresh.has(first.left as Y.Item)) first = first.left as Y.Item;
	const walk = (start: Y.Item | null) => {
		values.length = 0;
		let seen = 0;
		for (let item = start; item && seen < fresh.size; item = item.right) {
			if (!fresh.has(item)) continue;
			seen++;
			// Yjs merges a new item into its left neighbour of the same client: skip what was there.
			const from = before.get(item.id.client) ?? 0;
			values.push(...(item.content as Y.ContentAny).arr.slice(Math.max(0, from - item.id.clock)));
		}
	};
	walk(first ?? null);
	if (values.length !== count) walk(firstItem(events));
	return { ok: true, values, added };
}

/**
 * Checks the values an update appends (see integrate): each must be a valid event of this
 * device and batch, new, and correct or void only events of this batch. Pure: run again after
 * a catalogue refresh without integrating anything twice.
 */
export function checkEvents(values: readonly unknown[], ctx: CheckContext, changes: boolean): CheckResult {
	// A batch of a day to come: every event in the update is at fault, however valid, and is
	// named so the device marks it refused instead of offering it again at every connection.
	if (daysBetween(ctx.today, ctx.key.serviceDay) > MAX_SERVICE_DAYS_AHEAD) {
		const nameable = values.filter(isNameableId);
		return refuse(
			'SERVICE_DAY_FUTURE',
			`the batch's service day ${ctx.key.serviceDay} is more than ${MAX_SERVICE_DAYS_AHEAD} day after the server's date ${ctx.today} (Japan)`,
			nameable.map((v) => v.id),
			nameable.map((v) =>
				refusedEvent(v, [...problemsOfRefusal('SERVICE_DAY_FUTURE', 'batch'), ...problemsOf(ctx.validate(v))])
			)
		);
	}

	// Every event is checked; the refusal names exactly the events at fault, so the device can
	// mark those and resend the rest (see shared/sync/rebase.ts). Ids of this update are kept
	// apart from the batch's (never copied: a batch holds thousands).
	const events: DoseEvent[] = [];
	const fresh = new Set<string>();
	const seen = { has: (id: string) => ctx.knownEventIds.has(id) || fresh.has(id) };
	let firstFault: Fault | null = null;
	const faulty: string[] = [];
	const refused: RefusedEvent[] = [];
	for (const value of values) {
		const checked = checkEvent(value, ctx, seen);
		if ('fault' in checked) {
			firstFault ??= checked.fault;
			if (isNameableId(value)) {
				faulty.push(value.id);
				refused.push(refusedEvent(value, checked.problems));
			}
			continue;
		}
		fresh.add(checked.event.id);
		events.push(checked.event);
	}
	if (firstFault) return refuse(firstFault.code, firstFault.message, faulty, refused);
	return { ok: true, events, changes };
}

type Fault = { code: UpdateRefusalCode; message: string };

/**
 * A refused event is named back to the device (and in the refusal log) by its id only when
 * the id is a real event id: a hostile "id" could carry anything, a My Number included.
 */
function isNameableId(value: unknown): value is { id: string } {
	if (!value || typeof value !== 'object' || !('id' in value) || typeof value.id !== 'string') return false;
	return isUuid(value.id) && !containsMyNumber(value.id);
}

/** Every problem the validator found, each with its code, field and Japanese text. */
const problemsOf = (result: ReturnType<EventValidator>): EventProblem[] =>
	result.ok ? [] : result.errors.map((e) => ({ code: e.code, path: e.path, message: e.message }));

function checkEvent(
	value: unknown,
	ctx: CheckContext,
	seen: { has(id: string): boolean }
): { fault: Fault; problems: EventProblem[] } | { event: DoseEvent } {
	const result = ctx.validate(value);
	if (!result.ok) {
		const first = result.errors[0]!;
		const code: UpdateRefusalCode =
			first.code === 'MY_NUMBER'
				? 'MY_NUMBER'
				: first.code.startsWith('BATCH_') && first.code.endsWith('_MISMATCH')
					? 'EVENT_NOT_OF_BATCH'
					: 'EVENT_SCHEMA';
		return {
			fault: { code, message: `${first.code} ${first.path || 'event'}: ${first.message}` },
			problems: problemsOf(result)
		};
	}
	const ev = result.event;
	const fault = (code: UpdateRefusalCode, message: string, path: string) => ({
		fault: { code, message },
		problems: problemsOfRefusal(code, path)
	});
	if (ev.device !== ctx.key.deviceId || ev.batch !== ctx.batchId)
		return fault('EVENT_NOT_OF_BATCH', 'an event names another device or batch', 'batch');
	if ('siteCode' in ev && ev.siteCode !== ctx.key.siteCode)
		return fault('EVENT_NOT_OF_BATCH', 'an event names another site', 'siteCode');
	if (seen.has(ev.id)) return fault('EVENT_DUPLICATE_ID', 'an event id is used twice in this batch', 'id');
	// A device corrects or voids only its own records of this batch (the back office corrects
	// anything, through its own API).
	if ((ev.type === 'correction' || ev.type === 'void') && !seen.has(ev.replaces)) {
		return fault('EVENT_REPLACES_FOREIGN', 'a correction or void names an event outside this batch', 'replaces');
	}
	return { event: ev };
}
