// The embedded PGlite ledger in its own worker thread (see pglite-thread.ts, which starts and
// supervises it). Plain JavaScript on purpose: a worker thread does not inherit the TypeScript
// loader in every context the server runs in (tsx, vitest), and this file is only a message pump.
//
// Messages in:  { id, op: 'query' | 'exec' | 'begin' | 'commit' | 'rollback' | 'listen' | 'unlisten' | 'ping' | 'close' | 'block', ... }
// Messages out: { id, ok: true, value } | { id, ok: false, error } | { notice: channel, payload }
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @type {PGlite} */
let db;
/** Open transactions: id → { tx, end(commit: boolean) }. */
const transactions = new Map();
/** Channel → unsubscribe function. */
const listening = new Map();

/** What survives structured cloning of a database error: its message and PostgreSQL's fields. */
function plainError(e) {
	const out = { message: e instanceof Error ? e.message : String(e) };
	for (const key of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'severity', 'routine']) {
		if (e && typeof e === 'object' && typeof e[key] === 'string') out[key] = e[key];
	}
	return out;
}

const executorOf = (tx) => (tx === undefined ? db : transactions.get(tx)?.tx);

async function handle(m) {
	switch (m.op) {
		case 'query': {
			const q = executorOf(m.tx);
			if (!q) throw new Error('transaction is not open');
			return { rows: (await q.query(m.text, m.params)).rows };
		}
		case 'exec': {
			const q = executorOf(m.tx);
			if (!q) throw new Error('transaction is not open');
			await q.exec(m.script);
			return null;
		}
		case 'begin': {
			// PGlite runs BEGIN … COMMIT around the callback and holds other queries until it ends;
			// the callback here waits for the main thread to say commit or rollback.
			const txId = m.id;
			return new Promise((opened, failed) => {
				const done = db
					.transaction(
						(tx) =>
							new Promise((commit, rollback) => {
								transactions.set(txId, { tx, end: (ok) => (ok ? commit() : rollback(new Error('rolled back'))) });
								opened(txId);
							})
					)
					.finally(() => transactions.delete(txId));
				transactions.set(`done:${txId}`, done);
				done.catch(failed);
			});
		}
		case 'commit':
		case 'rollback': {
			const open = transactions.get(m.tx);
			const done = transactions.get(`done:${m.tx}`);
			transactions.delete(`done:${m.tx}`);
			if (!open || !done) throw new Error('transaction is not open');
			open.end(m.op === 'commit');
			if (m.op === 'commit') await done;
			else await done.catch(() => undefined);
			return null;
		}
		case 'listen': {
			if (!listening.has(m.channel))
				listening.set(
					m.channel,
					await db.listen(m.channel, (payload) => parentPort.postMessage({ notice: m.channel, payload }))
				);
			return null;
		}
		case 'unlisten': {
			await listening.get(m.channel)?.();
			listening.delete(m.channel);
			return null;
		}
		case 'ping':
			// The supervisor's watchdog: answered between statements, never during one.
			return null;
		case 'close':
			await db.close();
			return null;
		case 'block':
			// Test hook (LEDGER_TEST_HOOKS=1 only): stand for a database stuck inside WebAssembly,
			// as PGlite is when zero-filling a WAL segment fails on a full disk — a thread that
			// never yields. Only ending the worker stops it.
			if (!workerData.testHooks) throw new Error('test hooks are off');
			for (;;);
		default:
			throw new Error(`unknown op ${m.op}`);
	}
}

parentPort.on('message', (m) => {
	handle(m).then(
		(value) => parentPort.postMessage({ id: m.id, ok: true, value }),
		(e) => parentPort.postMessage({ id: m.id, ok: false, error: plainError(e) })
	);
});

try {
	db = await PGlite.create(workerData.dataDir);
	parentPort.postMessage({ ready: true });
} catch (e) {
	parentPort.postMessage({ ready: false, error: plainError(e) });
}
