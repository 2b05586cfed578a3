/**
 * The other peer a team would pick: y-websocket's own server (`@y/websocket-server`, 0.1.1, the
 * last release on Yjs 13) with a persistence that appends each update to PostgreSQL as it is
 * applied (the durability our receipts promise), through its `setPersistence` hook. The client
 * speaks y-websocket's protocol directly over `ws`: one socket per document at `/<name>`, a
 * SyncStep1, then each update as a sync Update message.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setPersistence, setupWSConnection } from '@y/websocket-server/utils';
import * as encoding from 'lib0/encoding';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { BATCH_EVENTS } from '#shared/index';
import { startCpuMeter } from './cpu-meter';
import type { PeerRun } from './ours-per-dose';
import type { BatchWorkload } from './peer-workload';

const MESSAGE_SYNC = 0;
const SYNC_STEP1 = 0;
const SYNC_UPDATE = 2;

function syncMessage(kind: number, payload: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_SYNC);
	encoding.writeVarUint(e, kind);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

/**
 * Runs the workload through y-websocket's server, timed from the first update sent until the
 * database holds every update of every document. The server keeps its documents in a
 * module-level map: each call in one process must use document names of its own.
 */
export async function runYWebsocketServer(databaseUrl: string, batches: BatchWorkload[]): Promise<PeerRun> {
	const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
	await pool.query(
		'CREATE TABLE IF NOT EXISTS y_websocket_updates (seq bigserial PRIMARY KEY, name text NOT NULL, update bytea NOT NULL)'
	);
	await pool.query('TRUNCATE y_websocket_updates');
	const expected = new Map(batches.map((b) => [b.doc, b.updates.length]));
	const persisted = new Map<string, number>();
	let onPersisted = () => undefined as void;
	let onFailed = (_e: unknown) => undefined as void;
	const allPersisted = new Promise<void>((resolve, reject) => {
		onPersisted = resolve;
		onFailed = reject;
	});
	setPersistence({
		provider: null,
		bindState: (name: string, doc: Y.Doc) => {
			doc.on('update', (update: Uint8Array) => {
				pool
					.query('INSERT INTO y_websocket_updates (name, update) VALUES ($1, $2)', [name, update])
					.then(() => {
						persisted.set(name, (persisted.get(name) ?? 0) + 1);
						if ([...expected].every(([d, n]) => (persisted.get(d) ?? 0) >= n)) onPersisted();
					})
					.catch(onFailed);
			});
		},
		writeState: async () => undefined
	});
	const http = createServer();
	const wss = new WebSocketServer({ server: http });
	wss.on('connection', (conn, req) => setupWSConnection(conn, req, { gc: false }));
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
	try {
		const sockets = await Promise.all(
			batches.map(async (b) => {
				const ws = new WebSocket(`${url}/${b.doc}`);
				await new Promise<void>((resolve, reject) => {
					ws.once('open', () => resolve());
					ws.once('error', reject);
				});
				// As its provider does: SyncStep1 with an empty state vector before any update.
				ws.send(syncMessage(SYNC_STEP1, Uint8Array.of(0)));
				return ws;
			})
		);
		// Messages built before the clock, as ours are sealed before it (ours-per-dose.ts).
		const messages = batches.map((b) => b.updates.map((u) => syncMessage(SYNC_UPDATE, u)));
		const meter = startCpuMeter();
		const start = performance.now();
		batches.forEach((_, i) => {
			for (const m of messages[i]!) sockets[i]!.send(m);
		});
		await allPersisted;
		const seconds = (performance.now() - start) / 1000;
		const cpu = meter();
		for (const ws of sockets) ws.close();
		// The check that it is all there, outside the clock: every dose in the stored updates.
		const { rows } = await pool.query<{ name: string; updates: Buffer[] }>(
			'SELECT name, array_agg(update ORDER BY seq) AS updates FROM y_websocket_updates GROUP BY name'
		);
		for (const { name, updates } of rows) {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, Y.mergeUpdates(updates.map((u) => new Uint8Array(u))));
			if (doc.getArray(BATCH_EVENTS).length !== expected.get(name))
				throw new Error(`y-websocket stored ${doc.getArray(BATCH_EVENTS).length} doses of ${name}`);
		}
		if (rows.length !== batches.length)
			throw new Error(`y-websocket stored ${rows.length}/${batches.length} documents`);
		return { seconds, cpu };
	} finally {
		for (const c of wss.clients) c.terminate();
		wss.close();
		http.close();
		await pool.end();
	}
}
