/**
 * The peer a team would otherwise pick: Hocuspocus 3 with its Database extension, persisting
 * each document's state to PostgreSQL (a table of name and state, as its documentation shows).
 * No provider: @hocuspocus/provider is not installed and needs a WebSocket class Node 20 lacks,
 * so the client speaks Hocuspocus's protocol directly over `ws` (y-protocols sync messages
 * prefixed by the document name, after an auth message per document; see its
 * ClientConnection.ts and MessageReceiver.ts).
 */
import { Database } from '@hocuspocus/extension-database';
import { Server } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import pg from 'pg';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { BATCH_EVENTS } from '#shared/index';
import type { BatchWorkload } from './peer-workload';

const MESSAGE_SYNC = 0;
const MESSAGE_AUTH = 2;
const AUTH_TOKEN = 0;
const AUTH_AUTHENTICATED = 2;
const SYNC_STEP1 = 0;
const SYNC_UPDATE = 2;

function message(doc: string, write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, doc);
	write(e);
	return encoding.toUint8Array(e);
}

/** Opens a socket and authenticates one document on it (Hocuspocus asks for it even without an auth hook). */
async function connect(url: string, doc: string): Promise<WebSocket> {
	const ws = new WebSocket(url);
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	const authenticated = new Promise<void>((resolve) =>
		ws.on('message', (data: Buffer) => {
			const d = decoding.createDecoder(new Uint8Array(data));
			if (
				decoding.readVarString(d) === doc &&
				decoding.readVarUint(d) === MESSAGE_AUTH &&
				decoding.readVarUint(d) === AUTH_AUTHENTICATED
			)
				resolve();
		})
	);
	ws.send(
		message(
			doc,
			(e) => (
				encoding.writeVarUint(e, MESSAGE_AUTH),
				encoding.writeVarUint(e, AUTH_TOKEN),
				encoding.writeVarString(e, 'bench')
			)
		)
	);
	await authenticated;
	// As a provider does: SyncStep1 with an empty state vector before any update.
	ws.send(
		message(
			doc,
			(e) => (
				encoding.writeVarUint(e, MESSAGE_SYNC),
				encoding.writeVarUint(e, SYNC_STEP1),
				encoding.writeVarUint8Array(e, Uint8Array.of(0))
			)
		)
	);
	return ws;
}

/** A timed run: seconds from the first update sent until… */
export interface HocuspocusRun {
	/** …the database held every document with all its doses (a store of its whole state). */
	holdsEveryDose: number;
	/**
	 * …every store the changes asked for had run. With `debounce` 0 that is one store per
	 * change, each of the document's whole state at the time it runs: the first store to run
	 * after a document's last change already holds all its doses, but the server is not done:
	 * almost all the stores are still to run (README, the eighth round), and changes coming
	 * steadily at the rate `holdsEveryDose` gives would queue stores without end. With the
	 * default debounce the stores coalesce: the same time.
	 */
	everyChangeStored: number;
	/** Stores run by then. */
	stores: number;
}

/**
 * Runs the workload through Hocuspocus. `debounce` is Hocuspocus's store delay (its default is
 * 2000 ms; 0 stores on every change).
 */
export async function runHocuspocus(
	databaseUrl: string,
	batches: Pick<BatchWorkload, 'doc' | 'updates'>[],
	debounce?: number
): Promise<HocuspocusRun> {
	const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
	await pool.query('CREATE TABLE IF NOT EXISTS hocuspocus_documents (name text PRIMARY KEY, state bytea NOT NULL)');
	await pool.query('TRUNCATE hocuspocus_documents');
	const expected = new Map(batches.map((b) => [b.doc, b.updates.length]));
	// Storing on every change: one store per update sent.
	const storesAsked = debounce === 0 ? batches.reduce((n, b) => n + b.updates.length, 0) : 0;
	const persisted = new Map<string, number>();
	let stores = 0;
	let start = 0;
	let holdsEveryDose = 0;
	let onDone = () => undefined as void;
	let onFailed = (_e: unknown) => undefined as void;
	const done = new Promise<void>((resolve, reject) => {
		onDone = resolve;
		onFailed = reject;
	});

	const server = new Server({
		port: 0,
		address: '127.0.0.1',
		quiet: true,
		...(debounce === undefined ? {} : { debounce }),
		extensions: [
			new Database({
				fetch: async ({ documentName }) => {
					const { rows } = await pool.query<{ state: Buffer }>(
						'SELECT state FROM hocuspocus_documents WHERE name = $1',
						[documentName]
					);
					return rows[0] ? new Uint8Array(rows[0].state) : null;
				},
				store: async ({ documentName, state, document }) => {
					// What this state holds, read before the write yields.
					const doses = (document as unknown as Y.Doc).getArray(BATCH_EVENTS).length;
					await pool
						.query(
							'INSERT INTO hocuspocus_documents (name, state) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state',
							[documentName, state]
						)
						.catch((error: unknown) => {
							onFailed(error); // the run stops with it rather than waiting for ever
							throw error;
						});
					stores++;
					persisted.set(documentName, Math.max(persisted.get(documentName) ?? 0, doses));
					if (!holdsEveryDose && [...expected].every(([doc, n]) => (persisted.get(doc) ?? 0) >= n))
						holdsEveryDose = (performance.now() - start) / 1000;
					if (holdsEveryDose && stores >= storesAsked) onDone();
				}
			})
		]
	});
	await server.listen();
	const url = `ws://127.0.0.1:${server.address.port}`;
	try {
		const sockets = await Promise.all(batches.map((b) => connect(url, b.doc)));
		// Messages built before the clock, as ours are sealed before it (ours-per-dose.ts).
		const messages = batches.map((b) =>
			b.updates.map((u) =>
				message(
					b.doc,
					(e) => (
						encoding.writeVarUint(e, MESSAGE_SYNC),
						encoding.writeVarUint(e, SYNC_UPDATE),
						encoding.writeVarUint8Array(e, u)
					)
				)
			)
		);
		start = performance.now();
		batches.forEach((_, i) => {
			for (const m of messages[i]!) sockets[i]!.send(m);
		});
		await done;
		const everyChangeStored = (performance.now() - start) / 1000;
		const storesByThen = stores;
		for (const ws of sockets) ws.close();
		// The check that it is all there, outside the clock: every dose in the stored states.
		const { rows } = await pool.query<{ name: string; state: Buffer }>('SELECT name, state FROM hocuspocus_documents');
		for (const { name, state } of rows) {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, new Uint8Array(state));
			if (doc.getArray(BATCH_EVENTS).length !== expected.get(name))
				throw new Error(`hocuspocus stored ${doc.getArray(BATCH_EVENTS).length} doses of ${name}`);
		}
		if (rows.length !== batches.length) throw new Error(`hocuspocus stored ${rows.length}/${batches.length} documents`);
		return { holdsEveryDose, everyChangeStored, stores: storesByThen };
	} finally {
		await server.destroy();
		await pool.end();
	}
}
