import type { SqlDatabase } from '../ledger/sql';
import type { Logger } from '../logger';
import type { Catalogs } from '../catalog/catalogs';
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
	private lastRunMs = 0;
	private stopped = false;
	/** Ends the current gathering window early (on stop). */
	private wake: () => void = () => undefined;
	private running: Promise<void> | null = null;

	constructor(
		private readonly db: SqlDatabase,
		private readonly tenant: string,
		private readonly log: Logger,
		private readonly catalogs: Catalogs,
		private readonly gatherMs = 300
	) {}

	/** A device update of this batch committed. */
	batchChanged(batchId: string): void {
		if (this.stopped) return;
		this.dirty.add(batchId);
		this.schedule();
	}

	private schedule(): void {
		// Stopped: what is still dirty stays for the on-demand run, with no window left open.
		if (this.running || this.stopped) return;
		// A short gathering window: during a burst (devices reconnecting after an outage) many
		// batches share their tickets, and one run judges each ticket once for all of them.
		// The window grows with the last run: a run over a big burst judges every ticket it
		// touched, so waiting twice as long as it took keeps the rules to about a third of the
		// database's time while devices are syncing, whatever the burst.
		const wait = Math.max(this.gatherMs, Math.min(2 * this.lastRunMs, 30_000));
		// Unref'd: a pending run never holds a stopping process open (the on-demand run catches up).
		this.running = new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, wait);
			timer.unref();
			this.wake = () => {
				clearTimeout(timer);
				resolve();
			};
		})
			.then(() => this.drain())
			.finally(() => {
				this.running = null;
				// Batches reported during the run get the next window.
				if (this.dirty.size > 0) this.schedule();
			});
	}

	/** Resolves once every batch reported so far has been judged (tests, and a clean shutdown). */
	async idle(): Promise<void> {
		while (this.running) await this.running;
	}

	/** Before the ledger closes: no new run starts, and the one in progress finishes. */
	async stop(): Promise<void> {
		this.stopped = true;
		this.wake();
		await this.running;
	}

	/** Every rule over the whole ledger, in one transaction (the on-demand run; the lock orders it with any run after a commit). */
	async runAll(): Promise<RunResult> {
		return this.db.transaction(async (tx) =>
			runRules(tx, this.tenant, { tickets: null, batches: null }, (await this.catalogs.current(tx)).catalog)
		);
	}

	/** One pass over the batches reported so far; those reported meanwhile wait for the next window. */
	private async drain(): Promise<void> {
		if (this.stopped) return;
		const started = performance.now();
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
				await this.db.transaction(async (tx) =>
					runRules(
						tx,
						this.tenant,
						{ tickets: tickets.slice(i, i + TICKETS_PER_RUN), batches: [] },
						(await this.catalogs.current(tx)).catalog
					)
				);
			}
			await this.db.transaction(async (tx) =>
				runRules(tx, this.tenant, { tickets: [], batches }, (await this.catalogs.current(tx)).catalog)
			);
			for (const [b, seq] of changed.upTo) this.judgedUpTo.set(b, seq);
		} catch (error) {
			// The cursor stays where it was: the next update of these batches judges it all again.
			this.log.warn('reconciliation rules failed; the on-demand run will catch up', {
				batches: batches.length,
				error: String(error)
			});
		} finally {
			this.lastRunMs = performance.now() - started;
		}
	}
}
