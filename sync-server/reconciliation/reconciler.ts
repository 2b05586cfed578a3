import type { SqlDatabase } from '../ledger/sql';
import type { Logger } from '../logger';
import { changesSince, type TicketKey } from './facts';
import { runRules, type RunResult } from './run';

const TICKETS_PER_RUN = 100;

function uniqueTickets(tickets: TicketKey[]): TicketKey[] {
	const seen = new Map<string, TicketKey>();
	for (const t of tickets) seen.set(`${t.municipality}/${t.ticketNumber}`, t);
	return [...seen.values()];
}

/**
 * Runs the rules after each committed device update, outside the ingest transaction: a receipt
 * never waits for the rules, and a failing rule can never refuse a dose. Batches that change
 * while a run is going are collected and judged together in the next run, so a burst of
 * updates (a reconnect storm) costs a few runs, not one per update. If the process dies
 * between a commit and its run, the on-demand run (API) catches up.
 */
export class Reconciler {
	private dirty = new Set<string>();
	/** Per batch, the last raw update whose events were judged (this process's view). */
	private readonly judgedUpTo = new Map<string, number>();
	private running: Promise<void> | null = null;

	constructor(
		private readonly db: SqlDatabase,
		private readonly tenant: string,
		private readonly log: Logger,
		private readonly gatherMs = 300
	) {}

	/** A device update of this batch committed. */
	batchChanged(batchId: string): void {
		this.dirty.add(batchId);
		this.schedule();
	}

	private schedule(): void {
		if (this.running) return;
		// A short gathering window: during a burst (devices reconnecting after an outage) many
		// batches share their tickets, and one run judges each ticket once for all of them.
		this.running = new Promise<void>((resolve) => setTimeout(resolve, this.gatherMs)).then(() => this.drain()).finally(() => {
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
				const after = new Map(batches.map((b) => [b, this.judgedUpTo.get(b) ?? 0]));
				// Tickets of new events only (not the whole batch again), so a run costs about what
				// the updates it follows cost, however long the day's batch grows.
				const changed = await this.db.transaction((tx) => changesSince(tx, after));
				const tickets = uniqueTickets(changed.tickets);
				// Short transactions: on the embedded PGlite (one connection) a long run would hold
				// back the commits (and receipts) of devices syncing meanwhile.
				for (let i = 0; i < tickets.length; i += TICKETS_PER_RUN) {
					await this.db.transaction((tx) => runRules(tx, this.tenant, { tickets: tickets.slice(i, i + TICKETS_PER_RUN), batches: [] }));
				}
				await this.db.transaction((tx) => runRules(tx, this.tenant, { tickets: [], batches }));
				for (const [b, seq] of changed.upTo) this.judgedUpTo.set(b, seq);
			} catch (error) {
				this.log.warn('reconciliation rules failed; the on-demand run will catch up', { batches: batches.length, error: String(error) });
			}
		}
	}
}
