import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	sampleBatchClose,
	sampleCorrection,
	sampleDose,
	sampleNotVaccinated,
	sampleVoid
} from '#shared/domain/testing/fixtures';
import type { DoseEvent } from '#shared/index';
import { RecordBook } from './record-book';
import { eventView } from './testing/event-view';
import { currentRecords, totalsByLot } from './records';
import type { EventState, EventView } from './storage/db';

/**
 * A history as the station lives it: events saved one after another (most in time order,
 * some with the tablet's clock set back, some at the same millisecond), corrections and voids
 * naming earlier events, later ones or nothing held, and sync states changing as sends,
 * receipts and refusals come back. Each step is handed to the book in chunks, as the store
 * reports them.
 */
type Step =
	| { kind: 'root'; vaccinated: boolean; at: number; saved: number }
	| { kind: 'change'; void: boolean; target: number; at: number; saved: number; site: boolean }
	| { kind: 'other'; at: number; saved: number }
	| { kind: 'state'; target: number; state: EventState; refused: boolean };

const STATES: EventState[] = ['local', 'sent', 'receipted', 'refused'];

const step: fc.Arbitrary<Step> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant('root' as const),
			vaccinated: fc.boolean(),
			at: fc.nat(40),
			saved: fc.nat(40)
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('change' as const),
			void: fc.boolean(),
			target: fc.nat(60),
			at: fc.nat(40),
			saved: fc.nat(40),
			site: fc.boolean()
		})
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('other' as const), at: fc.nat(40), saved: fc.nat(40) }) },
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('state' as const),
			target: fc.nat(60),
			state: fc.constantFrom(...STATES),
			refused: fc.boolean()
		})
	}
);

const idOf = (n: number) => `01936f60-0000-7000-8000-${String(n).padStart(12, '0')}`;
/** Mostly rising with the step, sometimes earlier: a clock set back, or two saves in one millisecond. */
const timeOf = (index: number, jitter: number) =>
	new Date(Date.UTC(2025, 9, 1, 0, 0, 0) + (index * 3 + (jitter > 30 ? -4 * jitter : jitter % 3)) * 1000).toISOString();

/** The views each step produces (new events, or a held event's new view). */
function play(steps: Step[]): EventView[][] {
	const held = new Map<string, EventView>();
	const made: string[] = [];
	const out: EventView[][] = [];
	for (const [i, s] of steps.entries()) {
		if (s.kind === 'state') {
			const id = made[s.target % Math.max(1, made.length)];
			const old = id === undefined ? undefined : held.get(id);
			if (!old) continue;
			const v: EventView = {
				...old,
				state: s.state,
				...(s.state === 'refused' && s.refused ? { refusal: { code: 'EVENT_SCHEMA', message: 'x' } } : {})
			};
			held.set(v.id, v);
			out.push([v]);
			continue;
		}
		const id = idOf(i);
		const base = { id, recordedAt: timeOf(i, s.at) };
		let event: DoseEvent;
		if (s.kind === 'root') event = s.vaccinated ? sampleDose(base) : sampleNotVaccinated(base);
		else if (s.kind === 'other') event = sampleBatchClose(base);
		else {
			// Mostly an event made before; else one of the next steps' ids (made later, or never).
			const pick = s.target % (made.length + 3);
			const replaces = pick < made.length ? made[pick]! : idOf(i + 1 + pick - made.length);
			event = s.void
				? sampleVoid({ ...base, replaces })
				: sampleCorrection({
						...base,
						replaces,
						record: { ...sampleCorrection().record, ...(s.site ? { doseNumber: 2 } : {}) }
					});
		}
		const v: EventView = {
			id,
			batchId: event.batch,
			client: 1,
			clock: i,
			state: 'local',
			event,
			savedAt: timeOf(i, s.saved)
		};
		made.push(id);
		held.set(id, v);
		out.push([v]);
	}
	return out;
}

describe('RecordBook: incremental current records', () => {
	it('equals the full derivation (records, lot totals) after every chunk of changes, on generated histories', () => {
		fc.assert(
			fc.property(
				fc.array(step, { maxLength: 60 }),
				fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 60 }),
				fc.nat(30),
				(steps, chunks, startAt) => {
					const changes = play(steps);
					// The book starts from part of the day read from storage, as at an unlock.
					const start = Math.min(startAt, changes.length);
					const all = new Map<string, EventView>();
					for (const [v] of changes.slice(0, start)) all.set(v!.id, v!);
					const book = new RecordBook([...all.values()]);
					expect(book.records).toEqual(currentRecords([...all.values()]));
					expect(book.totals).toEqual(totalsByLot(book.records));
					let at = start;
					for (const size of [...chunks, changes.length]) {
						if (at >= changes.length) break;
						const chunk = changes.slice(at, at + size).flat();
						at += size;
						for (const v of chunk) all.set(v.id, v);
						book.apply(chunk);
						const derived = currentRecords([...all.values()]);
						expect(book.records).toEqual(derived);
						expect(book.totals).toEqual(totalsByLot(derived));
					}
				}
			),
			{ numRuns: 500 }
		);
	});

	it('a save in time order joins its record without deriving the day again', () => {
		const dose = sampleDose({ recordedAt: '2025-10-01T01:00:00.000Z' });
		const view = (event: DoseEvent, state: EventState = 'local') => eventView(event, state);
		const book = new RecordBook([view(dose)]);
		const before = book.records[0];
		const other = sampleNotVaccinated({ id: idOf(1), recordedAt: '2025-10-01T02:00:00.000Z' });
		book.apply([view(other)]);
		// The untouched record is the same object: nothing was derived again.
		expect(book.records.map((r) => r.id)).toEqual([other.id, dose.id]);
		expect(book.records[1]).toBe(before);
		const untouched = book.records[0];
		const voiding = sampleVoid({ id: idOf(2), recordedAt: '2025-10-01T03:00:00.000Z', replaces: dose.id });
		book.apply([view(voiding), view(dose, 'receipted')]);
		expect(book.records[1]).toMatchObject({ id: dose.id, voided: true, state: 'local', latestId: voiding.id });
		expect(book.records[0]).toBe(untouched);
	});
});
