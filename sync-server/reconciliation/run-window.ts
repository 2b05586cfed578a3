/**
 * When the rules run after commits may start (see Reconciler). Pure, so the policy is tested
 * apart from the timers that carry it out.
 */
export interface RunWindow {
	/** When the first batch of this window was reported (ms on a monotonic clock). */
	openedAt: number;
	/** When the last commit (or refusal) was reported. */
	lastChangeAt: number;
	/** The window's gathering wait (it grows with the last run: Reconciler). */
	gatherMs: number;
}

/** A run waits until no commit has been reported for this long... */
export const QUIET_MS = 200;

/** ...but never defers a window longer than this (a steady stream is still judged). */
export const MAX_DEFER_MS = 5_000;

/**
 * The run starts once the gathering wait is over and the devices' commits have paused for
 * `quietMs`, and at the latest `maxDeferMs` after the window opened (or at the end of a
 * gathering wait longer than that). While devices upload (a reconnection after an outage, a
 * day recorded offline) every commit is a receipt a station waits for, and on the embedded
 * PGlite, one connection, a rules transaction holds every commit back; the findings are for the
 * back office, which loses nothing by seeing them a few seconds later.
 */
export function runStartsAt(w: RunWindow, quietMs = QUIET_MS, maxDeferMs = MAX_DEFER_MS): number {
	const earliest = w.openedAt + w.gatherMs;
	const latest = w.openedAt + Math.max(w.gatherMs, maxDeferMs);
	return Math.min(Math.max(earliest, w.lastChangeAt + quietMs), latest);
}
