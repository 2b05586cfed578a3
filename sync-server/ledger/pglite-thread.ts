import { Worker } from 'node:worker_threads';
import { LedgerUnavailableError } from './errors';
import type { LedgerHealthReport } from './health';
import type { SqlDatabase, SqlExecutor } from './sql';

const WORKER_URL = new URL('./pglite-worker.mjs', import.meta.url);

export interface PgliteThreadOptions {
	/**
	 * Longest the ledger's thread may stay silent while calls wait on it — one statement or
	 * commit running that long — before the ledger is declared stuck and its thread is ended
	 * and reopened (LEDGER_TIMEOUT_SECONDS). Waiting behind another transaction is not silence:
	 * the thread answers pings between statements.
	 */
	callTimeoutMs: number;
	/** Longest the worker may take to open the data directory when it is reopened. */
	reopenTimeoutMs?: number;
	/** Lets `blockForTest` stop the worker (LEDGER_TEST_HOOKS=1; never in production). */
	testHooks?: boolean;
	/** Told when the ledger is declared stuck and when it answers again. */
	onHealthChange?: (health: LedgerHealthReport) => void;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Record<string, string> };
type Started = { ready: true } | { ready: false; error: Record<string, string> };

interface Pending {
	resolve: (v: unknown) => void;
	reject: (e: Error) => void;
}

/** A database error from the worker, with PostgreSQL's fields (code, constraint…) as PGlite gives them. */
function rebuildError(fields: Record<string, string>): Error {
	return Object.assign(new Error(fields.message), fields);
}

/**
 * PGlite (WebAssembly, synchronous while it runs a statement) in a worker thread, so the server's
 * main thread keeps answering health checks, pings and the office while the database works, and
 * keeps the crypto and Yjs of ingest off the thread that runs SQL. A supervisor bounds every call:
 * a call that does not return in time (PGlite spinning on a full disk, or the test hook) marks the
 * ledger stuck, fails every call in flight as retryable, ends the worker and opens the data
 * directory again in a new one, retrying with backoff until it answers.
 */
class PgliteThread {
	private worker: Worker | null = null;
	private readonly pending = new Map<number, Pending>();
	private nextId = 1;
	/** Counts workers: a transaction begun in one is never continued in the next. */
	private generation = 0;
	private state: 'ready' | 'restarting' | 'closed' = 'restarting';
	private health: LedgerHealthReport = { ok: true };
	private readonly channels = new Map<string, Set<(payload: string) => void>>();
	private restartTimer: ReturnType<typeof setTimeout> | null = null;
	private closing = false;
	/** When the thread last said anything (an answer, a pong, a notice). */
	private lastHeard = Date.now();
	private watchdog: ReturnType<typeof setInterval> | null = null;

	constructor(
		private readonly dataDir: string,
		private readonly opts: PgliteThreadOptions
	) {}

	/** Starts a worker and resolves once PGlite has opened the data directory in it. */
	async start(timeoutMs: number | null): Promise<void> {
		const worker = new Worker(WORKER_URL, {
			workerData: { dataDir: this.dataDir, testHooks: this.opts.testHooks === true }
		});
		const gen = ++this.generation;
		this.worker = worker;
		worker.on('message', (m: Reply | Started | { notice: string; payload: string }) => {
			this.lastHeard = Date.now();
			if ('notice' in m) for (const fn of this.channels.get(m.notice) ?? []) fn(m.payload);
			else if ('id' in m) this.settle(m);
		});
		// An exit nobody asked for (a WebAssembly abort, out of memory) is a stuck ledger too.
		worker.on('exit', () => {
			if (gen === this.generation && this.state === 'ready') this.stuck('the ledger thread ended');
		});
		worker.on('error', () => undefined);
		try {
			await new Promise<void>((resolve, reject) => {
				const timer =
					timeoutMs === null
						? null
						: setTimeout(() => reject(new Error(`the ledger did not open within ${timeoutMs} ms`)), timeoutMs);
				const onMessage = (m: Started) => {
					if (!('ready' in m)) return;
					worker.off('message', onMessage);
					if (timer) clearTimeout(timer);
					if (m.ready) resolve();
					else reject(rebuildError(m.error));
				};
				worker.on('message', onMessage);
				worker.once('exit', (code) => reject(new Error(`the ledger thread exited (${code}) while opening`)));
			});
		} catch (e) {
			await worker.terminate();
			throw e;
		}
		for (const channel of this.channels.keys()) await this.call({ op: 'listen', channel });
		this.state = 'ready';
		this.lastHeard = Date.now();
		this.watch();
	}

	/**
	 * While calls wait, the thread must be heard from within the bound: PGlite runs each
	 * statement synchronously, so a thread that does not answer a ping is inside one statement
	 * (or stuck there). A thread idle between a transaction's statements answers at once.
	 */
	private watch(): void {
		if (this.watchdog) return;
		const every = Math.max(50, Math.min(1000, Math.floor(this.opts.callTimeoutMs / 4)));
		this.watchdog = setInterval(() => {
			if (this.state !== 'ready' || this.pending.size === 0) {
				this.lastHeard = Date.now();
				return;
			}
			const silent = Date.now() - this.lastHeard;
			if (silent > this.opts.callTimeoutMs)
				this.stuck(`the ledger did not answer for longer than ${this.opts.callTimeoutMs} ms`);
			else if (silent >= every) this.worker?.postMessage({ op: 'ping', id: 0 });
		}, every);
		this.watchdog.unref();
	}

	private settle(m: Reply): void {
		const p = this.pending.get(m.id);
		if (!p) return;
		this.pending.delete(m.id);
		if (m.ok) p.resolve(m.value);
		else p.reject(rebuildError(m.error));
	}

	call<T>(message: Record<string, unknown>): Promise<T> {
		const worker = this.worker;
		if (this.state === 'closed') return Promise.reject(new LedgerUnavailableError('the ledger is closed'));
		if (!worker || (this.state !== 'ready' && message.op !== 'listen'))
			return Promise.reject(
				new LedgerUnavailableError(this.health.ok ? 'the ledger is reopening' : this.health.reason)
			);
		const id = this.nextId++;
		if (this.pending.size === 0) this.lastHeard = Date.now();
		return new Promise<T>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			worker.postMessage({ ...message, id });
		});
	}

	/** Declares the ledger stuck: fails what is in flight, ends the worker, reopens in a new one. */
	private stuck(reason: string): void {
		if (this.state !== 'ready' || this.closing) return;
		this.state = 'restarting';
		this.setHealth({ ok: false, reason, since: new Date().toISOString() });
		for (const [id, p] of this.pending) {
			p.reject(new LedgerUnavailableError(reason));
			this.pending.delete(id);
		}
		const worker = this.worker;
		this.worker = null;
		// terminate() stops a thread even inside a WebAssembly loop; only then may another open the directory.
		void (worker?.terminate() ?? Promise.resolve()).then(() => this.reopen(0));
	}

	private reopen(attempt: number): void {
		if (this.state === 'closed') return;
		this.start(this.opts.reopenTimeoutMs ?? Math.max(30_000, this.opts.callTimeoutMs)).then(
			() => {
				if (this.state === 'closed') return void this.worker?.terminate();
				this.setHealth({ ok: true });
			},
			(e: unknown) => {
				this.setHealth({
					ok: false,
					reason: `the ledger does not open: ${e instanceof Error ? e.message : String(e)}`,
					since: this.health.ok ? new Date().toISOString() : this.health.since
				});
				this.restartTimer = setTimeout(() => this.reopen(attempt + 1), Math.min(30_000, 1000 * 2 ** attempt));
			}
		);
	}

	private setHealth(h: LedgerHealthReport): void {
		this.health = h;
		this.opts.onHealthChange?.(h);
	}

	report(): LedgerHealthReport {
		return this.health;
	}

	/** Test hook: the worker spins and never answers again (until the supervisor ends it). */
	blockForTest(): void {
		if (!this.opts.testHooks) throw new Error('ledger test hooks are off (LEDGER_TEST_HOOKS=1)');
		this.call({ op: 'block' }).catch(() => undefined);
	}

	async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
		let set = this.channels.get(channel);
		if (!set) {
			set = new Set();
			this.channels.set(channel, set);
			await this.call({ op: 'listen', channel });
		}
		set.add(fn);
		return async () => {
			set.delete(fn);
			if (set.size > 0 || this.channels.get(channel) !== set) return;
			this.channels.delete(channel);
			await this.call({ op: 'unlisten', channel }).catch(() => undefined);
		};
	}

	async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		const gen = this.generation;
		const tx = await this.call<number>({ op: 'begin' });
		const executor: SqlExecutor = {
			query: <R>(text: string, params?: unknown[]) =>
				gen === this.generation
					? this.call<{ rows: R[] }>({ op: 'query', text, params, tx })
					: Promise.reject(new LedgerUnavailableError('the ledger was reopened during the transaction')),
			exec: (script) =>
				gen === this.generation
					? this.call<void>({ op: 'exec', script, tx })
					: Promise.reject(new LedgerUnavailableError('the ledger was reopened during the transaction'))
		};
		let result: T;
		try {
			result = await fn(executor);
		} catch (e) {
			if (gen === this.generation && this.state === 'ready')
				await this.call({ op: 'rollback', tx }).catch(() => undefined);
			throw e;
		}
		if (gen !== this.generation) throw new LedgerUnavailableError('the ledger was reopened during the transaction');
		await this.call({ op: 'commit', tx });
		return result;
	}

	async close(): Promise<void> {
		if (this.state === 'closed' || this.closing) return;
		this.closing = true;
		const worker = this.worker;
		if (this.restartTimer) clearTimeout(this.restartTimer);
		// A clean close lets PGlite checkpoint; a stuck worker is simply ended (after the bound).
		if (this.state === 'ready') {
			let bound: ReturnType<typeof setTimeout> | undefined;
			await Promise.race([
				this.call({ op: 'close' }).catch(() => undefined),
				new Promise((r) => (bound = setTimeout(r, this.opts.callTimeoutMs)))
			]);
			clearTimeout(bound);
		}
		this.state = 'closed';
		this.worker = null;
		if (this.watchdog) clearInterval(this.watchdog);
		await worker?.terminate();
	}
}

/** The embedded PGlite ledger, in a supervised worker thread, behind the one storage interface. */
export async function openPgliteThread(dataDir: string, opts: PgliteThreadOptions): Promise<SqlDatabase> {
	const thread = new PgliteThread(dataDir, opts);
	// The first open has no bound: a large ledger may take its time to recover after a crash.
	await thread.start(null);
	return {
		backend: 'pglite',
		query: <T>(text: string, params?: unknown[]) => thread.call<{ rows: T[] }>({ op: 'query', text, params }),
		exec: (script) => thread.call<void>({ op: 'exec', script }),
		transaction: (fn) => thread.transaction(fn),
		close: () => thread.close(),
		listen: (channel, onNotice) => thread.listen(channel, onNotice),
		health: () => thread.report(),
		blockForTest: () => thread.blockForTest()
	};
}
