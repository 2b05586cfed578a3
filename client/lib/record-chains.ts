import type { DoseEvent } from '#shared/index';

/**
 * The dose or screening each correction and void goes back to (by event id), following
 * `replaces` links whatever their order in time: a correction of a correction may carry an
 * earlier recordedAt (the tablet's clock was set back, or both share a second and the ids
 * decide), and it still belongs to the record, as in the ledger
 * (sync-server/ledger/projection.ts). Events whose chain reaches no dose or screening here are
 * left out. Linear in the events: each link is followed once.
 */
export function chainRoots(events: readonly DoseEvent[]): Map<string, string> {
	const byId = new Map(events.map((e) => [e.id, e]));
	const rootOf = new Map<string, string | null>();
	for (const e of events) {
		const path: string[] = [];
		let at: string | undefined = e.id;
		let root: string | null = null;
		while (at !== undefined) {
			const known = rootOf.get(at);
			if (known !== undefined) {
				root = known;
				break;
			}
			const ev = byId.get(at);
			if (!ev) break;
			if (ev.type === 'dose' || ev.type === 'not-vaccinated') {
				root = ev.id;
				break;
			}
			if ((ev.type !== 'correction' && ev.type !== 'void') || path.includes(at)) break;
			path.push(at);
			at = ev.replaces;
		}
		for (const p of path) rootOf.set(p, root);
	}
	const out = new Map<string, string>();
	for (const [id, root] of rootOf) if (root !== null) out.set(id, root);
	return out;
}
