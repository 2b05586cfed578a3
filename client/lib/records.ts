import { recordOf, type CorrectedRecord } from '#shared/index';
import { chainRoots } from './record-chains';
import type { EventState, EventView } from './storage/db';

/**
 * Today's records as the screens show them: each dose or screening with its latest correction
 * applied and whether it was voided, derived from the append-only events (the same rule the
 * ledger's current-record projection follows).
 */
export interface CurrentRecord {
	id: string;
	record: CorrectedRecord;
	voided: boolean;
	corrected: boolean;
	/** How many events make the record: the dose or screening, its corrections and voids. */
	versions: number;
	/** The least advanced sync state among the record's events. */
	state: EventState;
	savedAt: string;
	/** The event a further correction or void should name. */
	latestId: string;
	/** Why the server refused one of its events, if it did. */
	refusal: { code: string; message: string } | null;
}

const ORDER: EventState[] = ['refused', 'local', 'sent', 'receipted'];

/**
 * Code-unit order. ISO timestamps and UUIDs are fixed-width ASCII, where it is the order
 * localeCompare gives, at a fraction of the cost over a day of 10,000 events sorted per save.
 */
const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The order the derivation reads events in: by recordedAt, then id. */
export const eventOrder = (a: EventView, b: EventView): number =>
	ordinal(a.event.recordedAt, b.event.recordedAt) || ordinal(a.id, b.id);

/** A dose or screening starts a record; corrections and voids name the event they replace. */
export const isRecordRoot = (e: EventView): boolean => e.event.type === 'dose' || e.event.type === 'not-vaccinated';

/**
 * Each record's chain (its first event, then its corrections and voids in event order), from
 * events already in event order. A change joins the record its `replaces` links lead back to,
 * whatever their order in time (chainRoots in record-chains.ts, as the ledger does); a change
 * whose links reach no dose or screening here is left out. `rootOf` maps every event in a chain,
 * roots included, to its record's id.
 */
export function chainsOf(sorted: readonly EventView[]): {
	byRoot: Map<string, EventView[]>;
	rootOf: Map<string, string>;
} {
	const byRoot = new Map<string, EventView[]>();
	const rootOf = chainRoots(sorted.map((e) => e.event));
	for (const e of sorted) {
		if (!isRecordRoot(e)) continue;
		rootOf.set(e.id, e.id);
		byRoot.set(e.id, [e]);
	}
	for (const e of sorted) {
		if (isRecordRoot(e)) continue;
		const root = rootOf.get(e.id);
		if (root) byRoot.get(root)!.push(e);
	}
	return { byRoot, rootOf };
}

/** One record as it stands after its chain (first event, then changes in event order). */
export function recordOfChain(chain: readonly EventView[]): CurrentRecord {
	const corrections = chain.filter((e) => e.event.type === 'correction');
	const latest = corrections.at(-1) ?? chain[0]!;
	return {
		id: chain[0]!.id,
		record: recordOf(latest.event)!,
		voided: chain.some((e) => e.event.type === 'void'),
		corrected: corrections.length > 0,
		versions: chain.length,
		state: chain.map((e) => e.state).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0]!,
		savedAt: chain[0]!.savedAt,
		latestId: chain.at(-1)!.id,
		refusal: chain.find((e) => e.refusal)?.refusal ?? null
	};
}

/** Newest saved first; records saved at the same moment stay in event order (the sort is stable). */
export const newestSavedFirst = (a: CurrentRecord, b: CurrentRecord): number => ordinal(b.savedAt, a.savedAt);

/**
 * The one definition of today's current records (RecordBook in record-book.ts keeps the same
 * result up to date one event at a time, and is tested equal to it).
 */
export function currentRecords(events: readonly EventView[]): CurrentRecord[] {
	const { byRoot } = chainsOf([...events].sort(eventOrder));
	return [...byRoot.values()].map(recordOfChain).sort(newestSavedFirst);
}

export interface LotTotal {
	product: string;
	lot: string;
	count: number;
}

/** The product and lot a record counts under, or null: only vaccinated doses that stand count. */
export function lotCounted(r: CurrentRecord): { key: string; product: string; lot: string } | null {
	if (r.voided || r.record.type !== 'dose') return null;
	const { product, lot } = r.record.vaccine;
	return { key: `${product}\u0000${lot}`, product, lot };
}

/** Totals in the order the list shows them: by product, then lot. */
export const byProductAndLot = (a: LotTotal, b: LotTotal): number =>
	a.product.localeCompare(b.product) || a.lot.localeCompare(b.lot);

/** Vaccinated doses that stand (not voided), counted by product and lot. */
export function totalsByLot(records: readonly CurrentRecord[]): LotTotal[] {
	const counts = new Map<string, LotTotal>();
	for (const r of records) {
		const at = lotCounted(r);
		if (!at) continue;
		const entry = counts.get(at.key) ?? { product: at.product, lot: at.lot, count: 0 };
		entry.count++;
		counts.set(at.key, entry);
	}
	return [...counts.values()].sort(byProductAndLot);
}

/**
 * A municipality code as people read it: the five digits of the 団体コード, then its check
 * digit apart (131016 → 13101, 6), the way 13101-6 is written.
 */
export function municipalityGroups(code: string): string[] {
	return code.length === 6 ? [code.slice(0, 5), code.slice(5)] : [code];
}
