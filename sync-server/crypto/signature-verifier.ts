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
	const packed = new Uint8Array(new ArrayBuffer(size));
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

/** Times the worker may die before the verifier stays on the main thread for good. */
const MAX_WORKER_RESTARTS = 5;

/**
 * Checks device signatures on one thread of its own, in batches: every signature that arrived in
 * one turn of the event loop goes over in one message. On this 2-core target (the database on
 * the same cores) a single extra thread does better than libuv's pool of four, whose threads
 * preempted the event loop at every wake-up, and better than the event loop itself, which has the
 * frames, Yjs and SQL to do (README, issue 14 figures).
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
		const worker = this.closed || this.restarts > MAX_WORKER_RESTARTS ? null : this.workerThread();
		if (!worker) {
			for (const j of jobs) j.resolve(this.verifyHere(j.data, j.signature, j.publicKey));
			return;
		}
		const batch = this.nextBatch++;
		this.inFlight.set(batch, jobs);
		const packed = pack(jobs);
		worker.postMessage({ batch, count: jobs.length, packed }, [packed.buffer]);
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
