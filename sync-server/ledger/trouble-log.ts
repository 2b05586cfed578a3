import type { Logger } from '../logger';

/**
 * Says a lasting trouble (a full disk, a ledger not answering) once when it starts and then at
 * most once per interval with how often it recurred meanwhile, instead of a line per commit:
 * a full disk under a busy venue would otherwise write ten lines a second into the same disk.
 */
export class TroubleLog {
	private readonly last = new Map<string, { at: number; suppressed: number }>();

	constructor(
		private readonly log: Logger,
		private readonly intervalMs = 60_000,
		private readonly now: () => number = Date.now
	) {}

	note(kind: string, fields: Record<string, unknown> = {}): void {
		const seen = this.last.get(kind);
		const t = this.now();
		if (seen && t - seen.at < this.intervalMs) {
			seen.suppressed++;
			return;
		}
		this.log.error(kind, { ...fields, ...(seen ? { repeatedSinceLastLine: seen.suppressed } : {}) });
		this.last.set(kind, { at: t, suppressed: 0 });
	}

	/** The trouble is over: said once, and the next occurrence is said at once again. */
	over(kind: string, message: string, fields: Record<string, unknown> = {}): void {
		if (!this.last.delete(kind)) return;
		this.log.warn(message, fields);
	}
}
