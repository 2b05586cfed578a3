import * as Y from 'yjs';
import type { UpdateRefusalCode } from '../../shared/protocol/refusals';
import { BATCH_EVENTS, containsMyNumber, daysBetween, type BatchKey, type DoseEvent, type EventValidator } from '../../shared/index';
import { problemsOfRefusal, refusedEvent, type EventProblem, type RefusedEvent } from '../ledger/refused-events';

export type CheckResult =
	| { ok: true; events: DoseEvent[]; changes: boolean }
	/** `refused`: each nameable refused event with everything wrong with it, kept for the office. */
	| { ok: false; code: UpdateRefusalCode; message: string; eventIds: string[]; refused?: RefusedEvent[] };


interface Context {
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

const refuse = (code: UpdateRefusalCode, message: string, eventIds: string[] = [], refused: RefusedEvent[] = []): CheckResult => ({ ok: false, code, message, eventIds, refused });

/**
 * Decides whether a device's update may touch the ledger, before anything is stored. The
 * batch document is an append-only log: the update may only add plain JSON values to the
 * `events` array, each a valid event of this device and batch, and must delete nothing.
 *
 * `copy`, if given, must hold exactly `current`'s content; the update is integrated into it,
 * so after a refusal it no longer does and must be dropped.
 */
export function checkUpdate(current: Y.Doc, update: Uint8Array, ctx: Context, copy?: Y.Doc): CheckResult {
	let decoded: ReturnType<typeof Y.decodeUpdate>;
	try {
		decoded = Y.decodeUpdate(update);
	} catch {
		return refuse('UPDATE_MALFORMED', 'the update cannot be decoded');
	}
	if (decoded.ds.clients.size > 0) return refuse('UPDATE_DELETES', 'the batch log is append-only: the update deletes content');

	for (const struct of decoded.structs) {
		if (struct instanceof Y.Skip) continue;
		if (!(struct instanceof Y.Item)) return refuse('UPDATE_DELETES', 'the update carries deleted content');
		if (!(struct.content instanceof Y.ContentAny)) return refuse('UPDATE_SHAPE', 'only plain JSON events may be appended');
		if (struct.parentSub !== null) return refuse('UPDATE_SHAPE', 'events must be appended to the event array');
		if (struct.parent !== null && typeof struct.parent !== 'string') return refuse('UPDATE_SHAPE', 'events must be appended to the event array');
	}

	// Integrate into a scratch copy and read what the update really adds to the document:
	// the decoded structs alone can differ from it (a struct whose parent is an item is
	// discarded; a client listed twice in one update keeps only its last group). The caller
	// may pass a copy it keeps between updates (see ScratchCopies): making one is O(batch).
	const before = Y.encodeStateVector(current);
	const known = Y.decodeStateVector(before);
	const scratch = copy ?? new Y.Doc({ gc: false });
	if (!copy) Y.applyUpdate(scratch, Y.encodeStateAsUpdate(current));
	try {
		Y.applyUpdate(scratch, update);
	} catch {
		return refuse('UPDATE_MALFORMED', 'the update cannot be applied');
	}
	if (scratch.store.pendingStructs !== null || scratch.store.pendingDs !== null) {
		return refuse('UPDATE_MISSING_BASE', 'the update depends on content the server does not have');
	}
	for (const name of scratch.share.keys()) {
		// Fixed text: the name came from the device and could be anything, a My Number included.
		if (name !== BATCH_EVENTS) return refuse('UPDATE_SHAPE', 'the update writes to a shared type other than the event array');
	}
	const values: unknown[] = [];
	let item = (scratch.getArray(BATCH_EVENTS) as unknown as { _start: Y.Item | null })._start;
	for (; item; item = item.right) {
		if (item.deleted) return refuse('UPDATE_DELETES', 'the batch log is append-only: the update deletes content');
		const from = Math.max(0, (known.get(item.id.client) ?? 0) - item.id.clock);
		values.push(...(item.content.getContent() as unknown[]).slice(from));
	}
	let added = 0;
	for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(scratch))) added += clock - (known.get(client) ?? 0);
	if (added !== values.length) return refuse('UPDATE_SHAPE', 'the update adds content outside the event array');

	// A batch of a day to come: every event in the update is at fault, however valid, and is
	// named so the device marks it refused instead of offering it again at every connection.
	if (daysBetween(ctx.today, ctx.key.serviceDay) > MAX_SERVICE_DAYS_AHEAD) {
		const nameable = values.filter(isNameableId);
		return refuse(
			'SERVICE_DAY_FUTURE',
			`the batch's service day ${ctx.key.serviceDay} is more than ${MAX_SERVICE_DAYS_AHEAD} day after the server's date ${ctx.today} (Japan)`,
			nameable.map((v) => v.id),
			nameable.map((v) => refusedEvent(v, [...problemsOfRefusal('SERVICE_DAY_FUTURE', 'batch'), ...problemsOf(ctx.validate(v))]))
		);
	}

	// Every event is checked; the refusal names exactly the events at fault, so the device can
	// mark those and resend the rest (see shared/sync/rebase.ts).
	const events: DoseEvent[] = [];
	const seen = new Set(ctx.knownEventIds);
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
		seen.add(checked.event.id);
		events.push(checked.event);
	}
	if (firstFault) return refuse(firstFault.code, firstFault.message, faulty, refused);
	const changes = added > 0;
	if (!copy) scratch.destroy();
	return { ok: true, events, changes };
}

type Fault = { code: UpdateRefusalCode; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A refused event is named back to the device (and in the refusal log) by its id only when
 * the id is a real event id: a hostile "id" could carry anything, a My Number included.
 */
function isNameableId(value: unknown): value is { id: string } {
	if (!value || typeof value !== 'object' || !('id' in value) || typeof value.id !== 'string') return false;
	return UUID.test(value.id) && !containsMyNumber(value.id);
}

/** Every problem the validator found, each with its code, field and Japanese text. */
const problemsOf = (result: ReturnType<EventValidator>): EventProblem[] =>
	result.ok ? [] : result.errors.map((e) => ({ code: e.code, path: e.path, message: e.message }));

function checkEvent(value: unknown, ctx: Context, seen: ReadonlySet<string>): { fault: Fault; problems: EventProblem[] } | { event: DoseEvent } {
	const result = ctx.validate(value);
	if (!result.ok) {
		const first = result.errors[0]!;
		const code: UpdateRefusalCode = first.code === 'MY_NUMBER' ? 'MY_NUMBER' : first.code.startsWith('BATCH_') && first.code.endsWith('_MISMATCH') ? 'EVENT_NOT_OF_BATCH' : 'EVENT_SCHEMA';
		return { fault: { code, message: `${first.code} ${first.path || 'event'}: ${first.message}` }, problems: problemsOf(result) };
	}
	const ev = result.event;
	const fault = (code: UpdateRefusalCode, message: string, path: string) => ({ fault: { code, message }, problems: problemsOfRefusal(code, path) });
	if (ev.device !== ctx.key.deviceId || ev.batch !== ctx.batchId) return fault('EVENT_NOT_OF_BATCH', 'an event names another device or batch', 'batch');
	if ('siteCode' in ev && ev.siteCode !== ctx.key.siteCode) return fault('EVENT_NOT_OF_BATCH', 'an event names another site', 'siteCode');
	if (seen.has(ev.id)) return fault('EVENT_DUPLICATE_ID', 'an event id is used twice in this batch', 'id');
	// A device corrects or voids only its own records of this batch (the back office corrects
	// anything, through its own API).
	if ((ev.type === 'correction' || ev.type === 'void') && !seen.has(ev.replaces)) {
		return fault('EVENT_REPLACES_FOREIGN', 'a correction or void names an event outside this batch', 'replaces');
	}
	return { event: ev };
}
