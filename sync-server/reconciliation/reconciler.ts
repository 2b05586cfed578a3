import type { SqlDatabase } from '../ledger/sql';
import type { Logger } from '../logger';
import { runRules, type RunResult } from './run';

/**
 * Runs the rules after each committed device update, outside the ingest transaction: a receipt
 * never waits for the rules, and a failing rule can never refuse a dose. Batches that change
 * while a run is going are collected and judged together in the next run, so a burst of
 * updates (a reconnect storm) costs a few runs, not one per update. If the process dies
 * between a commit and its run, the on-demand run (API) catches up.
 */
export class Reconciler {
	private dirty = new Set<string>();
	private running: Promise<void> | null = null;

	constructor(
		private readonly db: SqlDatabase,
		private readonly tenant: string,
		private readonly log: Logger
	) {}

	/** A device update of this batch committed. */
	batchChanged(batchId: string): void {
		this.dirty.add(batchId);
		this.schedule();
	}

	private schedule(): void {
		if (this.running) return;
		this.running = this.drain().finally(() => {
			this.running = null;
			// A batch reported between the last loop check and here must not wait for the next update.
			if (this.dirty.size > 0) this.schedule();
		});
	}

	/** Resolves when every batch reported so far has been judged. */
	async idle(): Promise<void> {
		while (this.running) await this.running;
	}

	/** Every rule over the whole ledger, in one transaction (the on-demand run). */
	async runAll(): Promise<RunResult> {
		return this.db.transaction((tx) => runRules(tx, this.tenant, { tickets: null, batches: null }));
	}

	private async drain(): Promise<void> {
		while (this.dirty.size > 0) {
			const batches = [...this.dirty];
			this.dirty = new Set();
			try {
				await this.db.transaction((tx) => runRules(tx, this.tenant, { tickets: null, batches }));
			} catch (error) {
				this.log.warn('reconciliation rules failed; the on-demand run will catch up', { batches: batches.length, error: String(error) });
			}
		}
	}
}
