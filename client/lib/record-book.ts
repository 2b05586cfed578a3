import {
	byProductAndLot,
	chainsOf,
	eventOrder,
	isRecordRoot,
	lotCounted,
	newestSavedFirst,
	recordOfChain,
	totalsByLot,
	type CurrentRecord,
	type LotTotal
} from './records';
import type { EventView } from './storage/db';

/**
 * Today's current records kept up to date one event at a time, so a save costs the record it
 * touches rather than a sort and derivation of the whole day (10,000 events by evening).
 *
 * The rule is currentRecords' (records.ts), and `records` always equals
 * `currentRecords(every view given so far)`: record-book.test.ts holds the two equal on generated
 * histories. A new event that sorts after every event already held (the case of every save: its
 * recordedAt is now) joins its record's chain; a state change (sent, receipted, refused) replaces
 * its view in its chain. Anything else — an event sorting before the newest held (a tablet
 * clock set back), an event arriving after a correction that named it, an event whose content
 * changed — derives everything again with currentRecords' own steps.
 */
export class RecordBook {
	/** Every event held, by id. */
	private views = new Map<string, EventView>();
	private chains = new Map<string, EventView[]>();
	private rootOf = new Map<string, string>();
	/** Ids named by a correction or void that joined no record: an event arriving with one re-derives. */
	private unresolved = new Set<string>();
	/** The event latest in event order (recordedAt, id). */
	private last: EventView | null = null;
	private byRoot = new Map<string, CurrentRecord>();
	/** As currentRecords returns them: newest saved first. Replaced whole at each change, never changed in place. */
	records: readonly CurrentRecord[] = [];
	/** As totalsByLot(records) returns them; replaced whole when a count changes. */
	totals: readonly LotTotal[] = [];
	private counts = new Map<string, LotTotal>();

	constructor(views: readonly EventView[] = []) {
		this.reset(views);
	}

	/** Derives everything from these views (the whole day, read from storage). */
	reset(views: Iterable<EventView>): void {
		this.views = new Map([...views].map((v) => [v.id, v]));
		const sorted = [...this.views.values()].sort(eventOrder);
		const { byRoot, rootOf } = chainsOf(sorted);
		this.chains = byRoot;
		this.rootOf = rootOf;
		this.unresolved = new Set();
		for (const v of sorted) {
			const ev = v.event;
			if ((ev.type === 'correction' || ev.type === 'void') && !rootOf.has(ev.id)) this.unresolved.add(ev.replaces);
		}
		this.last = sorted.at(-1) ?? null;
		this.byRoot = new Map([...byRoot].map(([id, chain]) => [id, recordOfChain(chain)]));
		this.records = [...this.byRoot.values()].sort(newestSavedFirst);
		this.totals = totalsByLot(this.records);
		this.counts = new Map(this.totals.map((t) => [`${t.product}\u0000${t.lot}`, { ...t }]));
	}

	/** One record counted in or out of the lot totals; whether a count changed. */
	private count(r: CurrentRecord | undefined, by: 1 | -1): boolean {
		const at = r && lotCounted(r);
		if (!at) return false;
		const entry = this.counts.get(at.key) ?? { product: at.product, lot: at.lot, count: 0 };
		entry.count += by;
		if (entry.count === 0) this.counts.delete(at.key);
		else this.counts.set(at.key, entry);
		return true;
	}

	/**
	 * Takes in events added or whose view changed (same id, new state or refusal), as the
	 * store reports them after a save, a receipt or a refusal.
	 */
	apply(changed: readonly EventView[]): void {
		const touched = new Set<string>();
		const added: string[] = [];
		for (const [i, v] of changed.entries()) {
			const old = this.views.get(v.id);
			const step = old ? this.replace(old, v) : this.append(v);
			if (step === 'rederive') {
				for (const rest of changed.slice(i)) this.views.set(rest.id, rest);
				return this.reset(this.views.values());
			}
			if (step !== null) {
				touched.add(step);
				if (!old && isRecordRoot(v)) added.push(step);
			}
		}
		if (touched.size === 0) return;
		const next = [...this.records];
		let counted = false;
		for (const root of touched) {
			const record = recordOfChain(this.chains.get(root)!);
			const before = this.byRoot.get(root);
			this.byRoot.set(root, record);
			if (before) next[next.indexOf(before)] = record;
			counted = this.count(before, -1) || counted;
			counted = this.count(record, 1) || counted;
		}
		if (counted) this.totals = [...this.counts.values()].map((t) => ({ ...t })).sort(byProductAndLot);
		// New records, in event order: each goes after those saved at the same moment or later.
		for (const root of added) {
			const record = this.byRoot.get(root)!;
			const at = next.findIndex((r) => r.savedAt < record.savedAt);
			next.splice(at === -1 ? next.length : at, 0, record);
		}
		this.records = next;
	}

	/** A new event; the root of the record it changed, null if none, or 'rederive'. */
	private append(v: EventView): string | null | 'rederive' {
		if (this.last && eventOrder(v, this.last) <= 0) return 'rederive';
		this.views.set(v.id, v);
		this.last = v;
		const ev = v.event;
		// A change that came first and named this id (a dose, or a correction in between) joins
		// through it now: chains follow replaces links whatever the order (chainsOf).
		if (this.unresolved.has(v.id)) return 'rederive';
		if (isRecordRoot(v)) {
			this.chains.set(v.id, [v]);
			this.rootOf.set(v.id, v.id);
			return v.id;
		}
		if (ev.type !== 'correction' && ev.type !== 'void') return null;
		const root = this.rootOf.get(ev.replaces);
		if (root === undefined) {
			this.unresolved.add(ev.replaces);
			return null;
		}
		this.rootOf.set(v.id, root);
		this.chains.get(root)!.push(v);
		return root;
	}

	/** A held event's new view (its sync state); the root of its record, null if none, or 'rederive'. */
	private replace(old: EventView, v: EventView): string | null | 'rederive' {
		if (old.event !== v.event && JSON.stringify(old.event) !== JSON.stringify(v.event)) return 'rederive';
		this.views.set(v.id, v);
		const root = this.rootOf.get(v.id);
		if (root === undefined) return null;
		const chain = this.chains.get(root)!;
		chain[chain.indexOf(old)] = v;
		return root;
	}

	has(id: string): boolean {
		return this.views.has(id);
	}

	/** An event held, with its sync state. */
	view(id: string): EventView | undefined {
		return this.views.get(id);
	}
}
