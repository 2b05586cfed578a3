import { backoffDelay } from '#shared/sync/backoff';
import { openNoticeConnection, type NoticeConnection } from '../ledger/notice-connection';
import type { SqlExecutor } from '../ledger/sql';
import { latestUpdateSeq, readUpdates, type RemoteUpdate } from '../ledger/update-feed';
import type { Logger } from '../logger';

/** The channel the sync_updates trigger announces on (migration 0006_update_notices.sql). */
export const NOTICE_CHANNEL = 'sync_updates';
/** The channel lots and catalogue changes are announced on (migration 0012_master_notices.sql). */
export const MASTER_CHANNEL = 'master_data';

/**
 * Seqs below the highest one seen that are read again after a reconnect. A seq is taken at
 * INSERT and the row becomes visible at COMMIT, so a lower seq can commit after a higher one;
 * one that did so while we were not listening would otherwise be missed. Reading a few updates
 * twice is harmless: applying a Yjs update again changes nothing.
 */
const CATCH_UP_MARGIN = 256;

export type { RemoteUpdate };

export interface VenueNotifyOptions {
	/** The shared database, without an application_name of its own. */
	databaseUrl: string;
	/** This process's application_name on its pool connections, the sender named in each notice. */
	origin: string;
	/** Where updates are read by seq (the ledger's pool). */
	db: SqlExecutor;
	log: Logger;
	/** An update stored by another process (or another client of the database). */
	onUpdate: (u: RemoteUpdate) => void;
	/** A change to lots or the vaccine catalogue was committed, by any process (or one may have been missed). */
	onMastersChanged?: () => void;
}

/** The connection string with the given application_name, which PostgreSQL reports per session. */
export function withApplicationName(databaseUrl: string, name: string): string {
	const url = new URL(databaseUrl);
	url.searchParams.set('application_name', name);
	return url.toString();
}

/**
 * Scale-out: hears, on one dedicated connection (a LISTEN ends with its session, so it cannot
 * live in the pool), the updates other sync-server processes commit to the shared PostgreSQL,
 * and hands each to onUpdate in seq order; and every committed change to lots or the vaccine
 * catalogue (this process's own included), for onMastersChanged. When the connection drops it reconnects with backoff and catches
 * up by seq on what it missed (and reports a possible master-data change).
 */
export class VenueNotify {
	private client: NoticeConnection | null = null;
	private lastSeq = 0;
	private attempt = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private closed = false;
	/** Reads and deliveries happen one at a time, in the order the notices arrived. */
	private chain: Promise<void> = Promise.resolve();
	/** Seqs heard of and not read yet: the next read in the chain takes them all. */
	private pending: number[] = [];

	private constructor(private readonly opts: VenueNotifyOptions) {}

	/** The LISTEN connection is up (readiness, /readyz). */
	get connected(): boolean {
		return this.client !== null;
	}

	/** Listens before it returns, so no update committed after start() goes unheard. */
	static async start(opts: VenueNotifyOptions): Promise<VenueNotify> {
		const n = new VenueNotify(opts);
		await n.connect();
		n.lastSeq = await latestUpdateSeq(opts.db);
		return n;
	}

	async close(): Promise<void> {
		this.closed = true;
		if (this.timer) clearTimeout(this.timer);
		const client = this.client;
		this.client = null;
		await client?.end().catch(() => undefined);
		await this.chain;
	}

	private async connect(): Promise<void> {
		// Until it is this.client, a failure is the rejection below, which alone schedules the next
		// try (conn is unset while connecting: a `let`, so the handlers may read it before then).
		let conn: NoticeConnection | undefined = undefined;
		conn = await openNoticeConnection({
			connectionString: withApplicationName(this.opts.databaseUrl, `${this.opts.origin}-listen`),
			channels: [NOTICE_CHANNEL, MASTER_CHANNEL],
			onLost: () => this.lost(conn),
			onNotice: (channel, payload) => {
				if (conn !== this.client) return;
				if (channel === NOTICE_CHANNEL) this.onNotice(payload);
				else if (channel === MASTER_CHANNEL) this.opts.onMastersChanged?.();
			}
		});
		// Closed while connecting: nobody would end this connection otherwise.
		if (this.closed) {
			await conn.end().catch(() => undefined);
			throw new Error('closed');
		}
		this.client = conn;
		this.attempt = 0;
	}

	private lost(client: NoticeConnection | undefined): void {
		if (this.closed || client === undefined || client !== this.client) return;
		this.client = null;
		void client.end().catch(() => undefined);
		this.opts.log.warn('notice connection lost; reconnecting', { attempt: this.attempt });
		this.scheduleReconnect();
	}

	private scheduleReconnect(): void {
		this.timer = setTimeout(
			() => {
				this.timer = null;
				if (this.closed) return;
				this.connect().then(
					() => {
						this.opts.log.info('notice connection back; catching up', { after: this.lastSeq });
						this.enqueue(() => ({ after: Math.max(0, this.lastSeq - CATCH_UP_MARGIN) }));
						// A master-data change may have committed while nobody listened.
						this.opts.onMastersChanged?.();
					},
					() => this.scheduleReconnect()
				);
			},
			backoffDelay(this.attempt++, Math.random, 200, 10_000)
		);
	}

	private onNotice(payload: string): void {
		const [seqText, origin = ''] = payload.split(' ');
		const seq = Number(seqText);
		if (!Number.isSafeInteger(seq)) return;
		// Our own commits were already published in this process.
		if (origin === this.opts.origin) {
			this.lastSeq = Math.max(this.lastSeq, seq);
			return;
		}
		this.pending.push(seq);
		// One read for every notice heard before it runs: a group commit of another process
		// announces each of its updates, and they arrive together at its COMMIT.
		if (this.pending.length === 1) this.enqueue(() => ({ seqs: this.pending.splice(0) }));
	}

	/** `which` is asked when its turn in the chain comes (pending seqs are taken then). */
	private enqueue(which: () => Parameters<typeof readUpdates>[1]): void {
		this.chain = this.chain
			.then(async () => {
				if (this.closed) return;
				for (const u of await readUpdates(this.opts.db, which())) {
					this.lastSeq = Math.max(this.lastSeq, u.seq);
					this.opts.onUpdate(u);
				}
			})
			.catch((e: unknown) => {
				// Reading failed (the database went away, most likely): start over on a fresh
				// connection, whose catch-up reads these updates again.
				this.opts.log.warn('could not read a notified update', { error: String(e) });
				if (this.client) this.lost(this.client);
			});
	}
}
