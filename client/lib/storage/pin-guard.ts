/**
 * Wrong PIN attempts at the unlock screen. A thief or finder with the tablet but no tools can
 * only guess through this screen; the guard makes that slow and, once it has gone on long
 * enough, has the station erase what the server already holds (see Station.unlock and the
 * README's threat model of the PIN). It does nothing against a copy of the disk: whoever has
 * one runs PBKDF2 on their own hardware, and the count below is just a number in it.
 *
 * - The first PIN_FREE_ATTEMPTS wrong PINs in a row cost nothing (a gloved hand mistypes).
 * - After that each attempt waits: 30 s, then twice as long after each further wrong PIN, up
 *   to PIN_MAX_WAIT_MS. The wait is measured on the page's monotonic clock from the last wrong
 *   PIN, or from the page's start: setting the tablet's clock forward shortens nothing, and a
 *   reload starts the wait again from the beginning.
 * - The count is stored (IndexedDB, in clear: it says nothing of a dose) and raised *before*
 *   the PIN is tried, so closing the tab while PBKDF2 runs still counts the attempt. A right
 *   PIN sets it back to zero.
 */
export const PIN_FREE_ATTEMPTS = 5;
/** Wrong PINs in a row after which the station erases what the server has receipted (and its keys, if that is everything). */
export const PIN_ERASE_AFTER = 10;
export const PIN_FIRST_WAIT_MS = 30_000;
export const PIN_MAX_WAIT_MS = 15 * 60_000;

/** The wait before the next attempt after `failures` wrong PINs in a row (0: none). */
export function pinWaitMs(failures: number): number {
	if (failures < PIN_FREE_ATTEMPTS) return 0;
	return Math.min(PIN_MAX_WAIT_MS, PIN_FIRST_WAIT_MS * 2 ** (failures - PIN_FREE_ATTEMPTS));
}

/** Where the count of wrong PINs in a row is kept (the station's IndexedDB; memory in tests). */
export interface FailureCount {
	read(): Promise<number>;
	write(count: number): Promise<void>;
}

export type PinAttempt = { ok: true; failures: number } | { ok: false; waitMs: number };

export class PinGuard {
	/** The monotonic time of the last wrong PIN, or of this page's start. */
	private since: number;

	constructor(
		private readonly count: FailureCount,
		private readonly monotonic: () => number = () => performance.now()
	) {
		this.since = monotonic();
	}

	/** How long until the next attempt may be made (0: now). */
	async waitMs(): Promise<number> {
		return this.remaining(await this.count.read());
	}

	private remaining(failures: number): number {
		return Math.max(0, pinWaitMs(failures) - (this.monotonic() - this.since));
	}

	/**
	 * Before a PIN is tried: refused while a wait is running (the refused attempt is not
	 * counted, and the PIN is not tried); otherwise counted as wrong until `succeeded`.
	 * `failures` is the count should this PIN be wrong.
	 */
	async begin(): Promise<PinAttempt> {
		const failures = await this.count.read();
		const waitMs = this.remaining(failures);
		if (waitMs > 0) return { ok: false, waitMs };
		await this.count.write(failures + 1);
		return { ok: true, failures: failures + 1 };
	}

	/** The PIN was wrong: the next wait runs from now. Returns it. */
	failed(failures: number): number {
		this.since = this.monotonic();
		return pinWaitMs(failures);
	}

	/** The PIN was right. */
	succeeded(): Promise<void> {
		return this.count.write(0);
	}
}
