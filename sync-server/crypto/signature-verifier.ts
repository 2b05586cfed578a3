import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { ed25519PublicKey, ed25519Verify } from './ed25519';

const WORKER_URL = new URL('./verify-worker.mjs', import.meta.url);

interface Job {
	data: Uint8Array;
	signature: Uint8Array;
	publicKey: Uint8Array;
	resolve: (ok: boolean) => void;
}

/**
 * A batch as one buffer the worker takes over without a copy (verify-worker.mjs reads it): per
 * job the data's length (uint32, little endian), the data, the signature (64) and the key (32).
 * Posting the jobs' own arrays would copy each one's whole underlying buffer, which for a view
 * into a received frame is far more than the view.
 */
function pack(jobs: readonly Job[]): Uint8Array<ArrayBuffer> {
	let size = 0;
	for (const j of jobs) size += 4 + j.data.length + 96;
	const packed = new Uint8Array(size);
	const view = new DataView(packed.buffer);
	let at = 0;
	for (const j of jobs) {
		view.setUint32(at, j.data.length, true);
		packed.set(j.data, at + 4);
		packed.set(j.signature, at + 4 + j.data.length);
		packed.set(j.publicKey, at + 4 + j.data.length + 64);
		at += 4 + j.data.length + 96;
	}
	return packed;
}

/** Fewer signatures than this in one turn of the event loop are checked on the main thread. */
const MIN_THREAD_BATCH = 16;

/** Signatures in one message to the thread (about 6 ms of its work on this machine). */
const MAX_BATCH = 64;

/** Times the worker may die before the verifier stays on the main thread for good. */
const MAX_WORKER_RESTARTS = 5;

/**
 * Checks device signatures, in batches: every signature that arrives in one turn of the event
 * loop is checked together, on a thread of its own when there are many (a flood of live doses
 * or a reconnection's burst), on the main thread when there are few. The Ed25519 check was a
 * quarter of the event loop's time in the peer bench, and the event loop is what limits ours.
 *
 * It pays only because connections no longer wait for it: Ingest.submit hands each update's
 * check to the batch's queue behind its signature and returns, so a connection's next frames
 * join the same batch. The first try of this thread (issue 14, third round) was a quarter
 * slower than the main thread, because each connection awaited its update's signature before
 * reading the next frame: batches of one per connection and a round trip per frame. Measured
 * in `npm run bench`, five alternating runs of `-- peer`: median 2,475 against 1,927 doses/s
 * (test/bench/HISTORY.md). libuv's pool (crypto's async API) is not used: its four threads
 * preempted the event loop at every wake-up on this 2-core target.
 *
 * Nothing waits on a thread that is gone: when the worker dies, the signatures it held are
 * checked on the main thread, and the next batch starts a new worker (up to a few times; then
 * every check stays on the main thread). `inline` checks on the main thread from the start.
 */
export class SignatureVerifier {
	private worker: Worker | null = null;
	private queue: Job[] = [];
	private readonly inFlight = new Map<number, Job[]>();
	private nextBatch = 1;
	private flushing = false;
	private restarts = 0;
	private closed = false;
	private readonly keys = new Map<string, KeyObject>();

	constructor(private readonly inline = false) {}

	/** Whether `signature` is the Ed25519 signature of `data` by the 32-byte `publicKey`. */
	verify(data: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
		if (signature.length !== 64 || publicKey.length !== 32) return Promise.resolve(false);
		if (this.inline || this.closed || this.restarts > MAX_WORKER_RESTARTS)
			return Promise.resolve(this.verifyHere(data, signature, publicKey));
		return new Promise((resolve) => {
			this.queue.push({ data, signature, publicKey, resolve });
			if (!this.flushing) {
				this.flushing = true;
				setImmediate(() => this.flush());
			}
		});
	}

	/** Ends the thread; signatures still out are checked here. */
	async close(): Promise<void> {
		this.closed = true;
		const worker = this.worker;
		this.worker = null;
		this.takeBackInFlight();
		this.flush();
		await worker?.terminate();
	}

	private flush(): void {
		this.flushing = false;
		const jobs = this.queue;
		if (jobs.length === 0) return;
		this.queue = [];
		// A few signatures are checked here: a round trip to the thread would cost more than
		// it saves, and the thread would compete for the cores with the database (PGlite's
		// thread among them). Floods of small updates (live doses from many stations, a
		// reconnection's burst) go to the thread.
		const here = jobs.length < MIN_THREAD_BATCH || this.closed || this.restarts > MAX_WORKER_RESTARTS;
		const worker = here ? null : this.workerThread();
		if (!worker) {
			for (const j of jobs) j.resolve(this.verifyHere(j.data, j.signature, j.publicKey));
			return;
		}
		// In messages of at most MAX_BATCH: the first answers come back while the thread checks
		// the rest, so a flood of frames (a connection hands its frames over without waiting:
		// Ingest.submit) does not leave the event loop idle until the whole flood is checked.
		for (let at = 0; at < jobs.length; at += MAX_BATCH) {
			const part = jobs.slice(at, at + MAX_BATCH);
			const batch = this.nextBatch++;
			this.inFlight.set(batch, part);
			const packed = pack(part);
			worker.postMessage({ batch, count: part.length, packed }, [packed.buffer]);
		}
	}

	private workerThread(): Worker {
		if (this.worker) return this.worker;
		const worker = new Worker(WORKER_URL);
		worker.unref();
		worker.on('message', ({ batch, results }: { batch: number; results: Uint8Array }) => {
			const jobs = this.inFlight.get(batch);
			this.inFlight.delete(batch);
			jobs?.forEach((j, i) => j.resolve(results[i] === 1));
		});
		const gone = () => {
			if (this.worker !== worker) return;
			this.worker = null;
			this.restarts++;
			this.takeBackInFlight();
		};
		worker.on('error', gone);
		worker.on('exit', gone);
		this.worker = worker;
		return worker;
	}

	/** Checks here what a worker that is gone still held. */
	private takeBackInFlight(): void {
		for (const jobs of this.inFlight.values())
			for (const j of jobs) j.resolve(this.verifyHere(j.data, j.signature, j.publicKey));
		this.inFlight.clear();
	}

	private verifyHere(data: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
		const hex = Buffer.from(publicKey).toString('hex');
		let key = this.keys.get(hex);
		if (!key) {
			try {
				key = ed25519PublicKey(publicKey);
			} catch {
				return false;
			}
			if (this.keys.size >= 10_000) this.keys.clear();
			this.keys.set(hex, key);
		}
		return ed25519Verify(data, signature, key);
	}
}
