import * as Y from 'yjs';
import type { KeyObject } from 'node:crypto';
import { parseBatchId, serviceDateAt, type BatchKey, type DoseEvent } from '#shared/index';
import type { UpdateRefusalCode } from '#shared/protocol/refusals';
import { receiptSigningBytes, updateSigningBytes } from '#shared/protocol/signing';
import { ed25519Sign } from '../crypto/ed25519';
import { SignatureVerifier } from '../crypto/signature-verifier';
import type { Catalogs } from '../catalog/catalogs';
import type { CommitOutcome, DeviceRecord, Ledger } from '../ledger/ledger';
import { BatchDocs, type BatchEntry } from './batch-docs';
import { checkEvents, integrate } from './check-update';
import { GroupCommit } from './group-commit';
import type { RefusedEvent } from '../ledger/refused-events';
import { venueBatchIds } from '../ledger/update-feed';

/** What a receipt says (PROTOCOL.md §9.3), before it is signed. */
export interface ReceiptBody {
	doc: string;
	stateVector: Uint8Array;
	eventCount: number;
}

export interface Receipt extends ReceiptBody {
	signature: Uint8Array;
}

/**
 * Signs a receipt with the server key of the connection's generation (the one the device proved
 * the connection with, and so checks it against). Signed when sent: a receipt that a later one
 * covers is never sent (transport/answer-queue.ts), so never signed. On the event loop: libuv's
 * pool (crypto's async API), like a thread of its own, preempted the loop at every wake-up on this
 * 2-core machine and made the peer bench about a quarter slower (test/bench/HISTORY.md, issue 14).
 */
export function signReceipt(body: ReceiptBody, key: KeyObject): Receipt {
	return { ...body, signature: ed25519Sign(receiptSigningBytes(body.doc, body.stateVector, body.eventCount), key) };
}

export interface CommittedUpdate {
	batchId: string;
	deviceId: string;
	siteCode: string;
	serviceDay: string;
	update: Uint8Array;
}

export type IngestResult =
	| { ok: true; receipt: ReceiptBody; stored: boolean; newEvents: number }
	| {
			ok: false;
			code: UpdateRefusalCode | 'DEVICE_REVOKED';
			message: string;
			eventIds: string[];
			stateVector: Uint8Array;
			refused?: RefusedEvent[] | undefined;
	  };

/**
 * Verifies, checks, commits and applies device updates, and says what their receipts cover. The
 * receipt is made only after the ledger transaction committed, so a receipted event is never
 * lost; the connection signs it as it sends it (signReceipt).
 */
export class Ingest {
	private readonly docs: BatchDocs;
	private readonly commits: GroupCommit;
	private readonly committedListeners: ((u: CommittedUpdate) => void)[] = [];

	constructor(
		private readonly ledger: Ledger,
		private readonly catalogs: Catalogs,
		/** The server's clock (epoch ms): which service days lie in the future. Injected by tests. */
		private readonly now: () => number = Date.now,
		/** Checks the devices' update signatures; the server's runs a thread of its own (server.ts). */
		private readonly verifier: SignatureVerifier = new SignatureVerifier(true)
	) {
		this.docs = new BatchDocs(ledger);
		this.commits = new GroupCommit(ledger);
	}

	/** Called after each update that changed the ledger has committed. */
	onCommitted(listener: (u: CommittedUpdate) => void): void {
		this.committedListeners.push(listener);
	}

	/** An update another sync-server process committed (scale-out): see BatchDocs.absorb. */
	absorb(batchId: string, update: Uint8Array): Promise<void> {
		return this.docs.absorb(batchId, update);
	}

	/** Ends the signature thread (server shutdown); what it still held is checked here. */
	close(): Promise<void> {
		return this.verifier.close();
	}

	/** After a failed commit: the batch's copy is rebuilt from the ledger (see BatchDocs.discard). */
	forget(batchId: string): void {
		this.docs.discard(batchId);
	}

	/** Current state of the other devices' batches of this device's site on a service day. */
	async venueSnapshot(device: DeviceRecord, serviceDay: string): Promise<{ batchId: string; update: Uint8Array }[]> {
		const ids = await venueBatchIds(this.ledger.db, {
			siteCode: device.siteCode,
			serviceDay,
			exceptDevice: device.id
		});
		const out: { batchId: string; update: Uint8Array }[] = [];
		for (const id of ids)
			out.push({
				batchId: id,
				update: await this.docs.withSettledBatch(id, async ({ doc }) => Y.encodeStateAsUpdate(doc))
			});
		return out;
	}

	private ownBatch(device: DeviceRecord, docId: string) {
		const key = parseBatchId(docId);
		if (!key || key.deviceId !== device.id) return null;
		if (key.siteCode !== device.siteCode) return null;
		return key;
	}

	/** The device's SyncStep1 for one of its batches: what it lacks, what we have, a receipt. */
	async syncStep1(device: DeviceRecord, docId: string, deviceStateVector: Uint8Array) {
		if (!this.ownBatch(device, docId))
			return { ok: false as const, code: 'NOT_YOUR_BATCH', message: 'the document is not a batch of this device' };
		// Settled: the receipt covers only what is committed, not updates still committing.
		return this.docs.withSettledBatch(docId, async ({ doc, eventIds }) => {
			let missing: Uint8Array;
			try {
				missing = Y.encodeStateAsUpdate(doc, deviceStateVector);
			} catch {
				return { ok: false as const, code: 'SYNC_MALFORMED', message: 'the state vector cannot be decoded' };
			}
			return {
				ok: true as const,
				missing,
				serverStateVector: Y.encodeStateVector(doc),
				receipt: { doc: docId, stateVector: Y.encodeStateVector(doc), eventCount: eventIds.size }
			};
		});
	}

	/**
	 * Verifies, integrates and checks an update, and queues it for commit. Returns at once with
	 * `result`, which settles after the commit with the receipt (the caller answers in order),
	 * so a connection hands over its next frames while this one is verified, checked and
	 * committed (pipelining). The signature is checked by the verifier, which takes every
	 * signature that arrives in one turn of the event loop in one batch; the check of the
	 * update waits for it in the batch's queue, so a batch's updates are still checked, and
	 * committed, in the order they came. An update checked against one still committing
	 * commits only if that one did (CommitChain).
	 */
	submit(
		device: DeviceRecord,
		docId: string,
		update: Uint8Array,
		signature: Uint8Array
	): { result: Promise<IngestResult> } {
		const key = this.ownBatch(device, docId);
		const none = Uint8Array.of(0); // empty state vector: nothing of this document was touched
		const now = (r: IngestResult) => ({ result: Promise.resolve(r) });
		if (!key)
			return now({
				ok: false,
				code: 'NOT_YOUR_BATCH',
				message: 'the document is not a batch of this device',
				eventIds: [],
				stateVector: none
			});
		const verified = this.verifier.verify(updateSigningBytes(docId, device.id, update), signature, device.keys.sign);
		const admitted = this.docs.withBatch(docId, async (entry) => {
			if (!(await verified))
				return now({
					ok: false,
					code: 'BAD_SIGNATURE',
					message: 'the update signature does not verify',
					eventIds: [],
					stateVector: none
				});
			try {
				return await this.admit(entry, device, key, docId, update, signature);
			} catch (error) {
				// The document may hold the update, unchecked or uncommitted.
				this.docs.discardEntry(docId, entry);
				throw error;
			}
		});
		return { result: admitted.then((a) => a.result) };
	}

	/** submit's part with the batch held: integrate, check, queue the commit. */
	private async admit(
		entry: BatchEntry,
		device: DeviceRecord,
		key: BatchKey,
		docId: string,
		update: Uint8Array,
		signature: Uint8Array
	): Promise<{ result: Promise<IngestResult> }> {
		const before = Y.encodeStateVector(entry.doc);
		// Refused: the document is dropped and rebuilt from the ledger at its next use, once
		// what is committing on it has landed (rebuilt earlier, it would lack that).
		const refuse = async (r: Extract<IngestResult, { ok: false }>) => {
			await entry.chain.tail;
			this.docs.discardEntry(docId, entry);
			return { result: Promise.resolve(r) };
		};
		// The update is integrated into the batch's document once, here; if it is refused or
		// its commit does not happen, the document is dropped and rebuilt from the ledger at
		// its next use, so outside this exclusive section it never leads the ledger for long.
		const integrated = integrate(entry.doc, update);
		if (!integrated.ok) return refuse({ ...integrated, stateVector: before });
		const ctx = {
			key,
			batchId: docId,
			knownEventIds: entry.eventIds,
			validate: this.catalogs.validateAny,
			today: serviceDateAt(this.now())
		};
		let checked = checkEvents(integrated.values, ctx, integrated.added > 0);
		// Refused by the schema or catalogue under every version this process holds: another
		// process (or the office, a moment ago) may have stored a newer catalogue the device
		// already recorded under. Look, and check the same values again if there is one.
		if (!checked.ok && checked.code === 'EVENT_SCHEMA' && (await this.catalogs.refresh())) {
			checked = checkEvents(integrated.values, ctx, integrated.added > 0);
		}
		if (!checked.ok) return refuse({ ...checked, stateVector: before });
		// What the receipt will cover: this update and everything before it, all committed by
		// the time it is signed (the chain commits in order, or not at all).
		const stateVector = Y.encodeStateVector(entry.doc);
		if (!checked.changes) {
			const result = entry.chain.tail.then(() => {
				const failed = entry.chain.failed;
				if (failed) throw failed.error;
				return this.receipted(docId, stateVector, entry.eventIds.size, false, 0);
			});
			return { result };
		}
		const events = checked.events;
		for (const ev of events) entry.eventIds.add(ev.id);
		const eventCount = entry.eventIds.size;
		const chain = entry.chain;
		chain.inFlight++;
		const committing = this.commits.commit(
			{
				batchId: docId,
				deviceId: device.id,
				municipality: device.municipality,
				siteCode: key.siteCode,
				serviceDay: key.serviceDay,
				update,
				signature,
				events
			},
			chain
		);
		const result = committing.then(
			(outcome) => this.settle(entry, device, key, docId, update, events, outcome, before, stateVector, eventCount),
			(error: unknown) => {
				this.docs.discardEntry(docId, entry);
				throw error;
			}
		);
		chain.tail = result.then(
			() => void chain.inFlight--,
			() => void chain.inFlight--
		);
		return { result };
	}

	/** After the commit: what became of the update, and its receipt. */
	private settle(
		entry: BatchEntry,
		device: DeviceRecord,
		key: BatchKey,
		docId: string,
		update: Uint8Array,
		events: DoseEvent[],
		outcome: CommitOutcome,
		before: Uint8Array,
		stateVector: Uint8Array,
		eventCount: number
	): IngestResult {
		if ('revoked' in outcome || 'retired' in outcome) {
			// Every update behind it on the chain gets the same answer (same device, same day).
			this.docs.discardEntry(docId, entry);
			const revoked = 'revoked' in outcome;
			return {
				ok: false,
				code: revoked ? 'DEVICE_REVOKED' : 'DEVICE_RETIRED',
				message: revoked ? 'the device is revoked' : 'the device was retired before this service day',
				eventIds: revoked ? [] : events.map((e) => e.id),
				stateVector: before
			};
		}
		const committed = {
			batchId: docId,
			deviceId: device.id,
			siteCode: key.siteCode,
			serviceDay: key.serviceDay,
			update
		};
		for (const listener of this.committedListeners) listener(committed);
		return this.receipted(docId, stateVector, eventCount, !('duplicate' in outcome), events.length);
	}

	private receipted(
		docId: string,
		stateVector: Uint8Array,
		eventCount: number,
		stored: boolean,
		newEvents: number
	): IngestResult {
		return {
			ok: true,
			stored,
			newEvents,
			receipt: { doc: docId, stateVector, eventCount }
		};
	}
}
