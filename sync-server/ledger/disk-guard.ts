import { statfs } from 'node:fs/promises';
import { isDiskFull } from './errors';
import type { TroubleLog } from './trouble-log';

export interface DiskGuardOptions {
	/** The ledger's data directory (PGlite); null on PostgreSQL, whose disk we cannot see. */
	dataDir: string | null;
	/** Below this many free bytes no new update is taken (DISK_FREE_MIN_MB). */
	thresholdBytes: number;
	/** How often the free space is read. */
	intervalMs?: number;
	/** After a disk_full error, how long updates are refused before one is tried again. */
	fullBackoffMs?: number;
	trouble: TroubleLog;
	now?: () => number;
}

export interface DiskReport {
	ok: boolean;
	/** Free bytes on the ledger's filesystem, for the unprivileged (null on PostgreSQL). */
	freeBytes: number | null;
	thresholdBytes: number;
	/** Why updates are refused, when they are. */
	reason?: string;
}

/** Free bytes available to this process on the filesystem holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
	const s = await statfs(dir);
	return s.bavail * s.bsize;
}

const TROUBLE = 'ledger disk full: new updates refused (LEDGER_FULL) until space is freed';

/**
 * Watches the free space of the ledger's filesystem. PGlite spins without end when it cannot
 * zero-fill its next 16 MB WAL segment, and a commit that fails on a full disk is no answer a
 * device can act on; so below the threshold the server stops taking updates before the
 * database is asked, and devices get a retryable LEDGER_FULL. On PostgreSQL the disk is not
 * ours to see: its disk_full errors (and ENOSPC from PGlite, for a threshold set too low)
 * latch the same refusal for a short while, then one commit is tried again. Above the
 * threshold again, everything resumes by itself.
 */
export class DiskGuard {
	private free: number | null = null;
	private fullUntil = 0;
	private timer: ReturnType<typeof setInterval> | null = null;
	private readonly now: () => number;

	constructor(private readonly opts: DiskGuardOptions) {
		this.now = opts.now ?? Date.now;
	}

	async start(): Promise<void> {
		await this.check();
		this.timer = setInterval(() => void this.check(), this.opts.intervalMs ?? 1000);
		this.timer.unref();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	async check(): Promise<void> {
		if (!this.opts.dataDir) return;
		const wasLow = this.low;
		try {
			this.free = await freeBytes(this.opts.dataDir);
		} catch {
			// The directory is briefly unreadable: keep the last reading.
			return;
		}
		if (this.low) this.opts.trouble.note(TROUBLE, { freeBytes: this.free, thresholdBytes: this.opts.thresholdBytes });
		else if (wasLow)
			this.opts.trouble.over(TROUBLE, 'ledger disk has room again: updates are taken', { freeBytes: this.free });
	}

	private get low(): boolean {
		return this.free !== null && this.free < this.opts.thresholdBytes;
	}

	/**
	 * A ledger call failed for a reason that will pass: said once a minute; a full disk also
	 * latches the refusal.
	 */
	noteFailure(e: unknown): void {
		if (!isDiskFull(e)) {
			this.opts.trouble.note('ledger not answering: updates answered LEDGER_UNAVAILABLE', {
				error: e instanceof Error ? e.message : String(e)
			});
			return;
		}
		this.fullUntil = this.now() + (this.opts.fullBackoffMs ?? 5000);
		this.opts.trouble.note(TROUBLE, {
			cause: 'disk_full',
			freeBytes: this.free,
			thresholdBytes: this.opts.thresholdBytes
		});
		// Read the space now rather than at the next tick.
		void this.check();
	}

	/** Why new updates are refused now, or null when they are taken. */
	refusal(): string | null {
		if (this.low)
			return `the ledger's filesystem has ${this.free} bytes free, below the ${this.opts.thresholdBytes} kept in reserve`;
		if (this.now() < this.fullUntil) return 'the database reported a full disk';
		return null;
	}

	report(): DiskReport {
		const reason = this.refusal();
		return {
			ok: reason === null,
			freeBytes: this.free,
			thresholdBytes: this.opts.thresholdBytes,
			...(reason ? { reason } : {})
		};
	}
}
