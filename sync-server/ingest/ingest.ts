import * as Y from 'yjs';
import type { KeyObject } from 'node:crypto';
import { parseBatchId, serviceDateAt } from '#shared/index';
import type { UpdateRefusalCode } from '#shared/protocol/refusals';
import { receiptSigningBytes, updateSigningBytes } from '#shared/protocol/signing';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../crypto/ed25519';
import type { Catalogs } from '../catalog/catalogs';
import type { CommitOutcome, DeviceRecord, Ledger } from '../ledger/ledger';
import { BatchDocs } from './batch-docs';
import { checkEvents, integrate } from './check-update';
import { GroupCommit } from './group-commit';
import type { RefusedEvent } from '../ledger/refused-events';

export interface Receipt {
	doc: string;
	stateVector: Uint8Array;
	eventCount: number;
	signature: Uint8Array;
}

export interface CommittedUpdate {
	batchId: string;
	deviceId: string;
	siteCode: string;
	serviceDay: string;
	update: Uint8Array;
}

export type IngestResult =
	| { ok: true; receipt: Receipt; stored: boolean; newEvents: number }
	| {
			ok: false;
			code: UpdateRefusalCode | 'DEVICE_REVOKED';
			message: string;
			eventIds: string[];
			stateVector: Uint8Array;
			refused?: RefusedEvent[] | undefined;
	  };

/**
 * Verifies, checks, commits and applies device updates, and signs receipts. The receipt is
 * made only after the ledger transaction committed, so a receipted event is never lost. Receipts
 * are signed with the server key of the connection's generation (`receiptKey`): the one the
 * device proved the connection with, and so the one it checks them against.
 */
export class Ingest {
	private readonly docs: BatchDocs;
	private readonly commits: GroupCommit;
	private readonly deviceKeys = new Map<string, KeyObject>();
	private readonly committedListeners: ((u: CommittedUpdate) => void)[] = [];

	constructor(
		private readonly ledger: Ledger,
		private readonly catalogs: Catalogs,
		/** The server's clock (epoch ms): which service days lie in the future. Injected by tests. */
		private readonly now: () => number = Date.now
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

	/** After a failed commit: the batch's copy is rebuilt from the ledger (see BatchDocs.discard). */
	forget(batchId: string): void {
		this.docs.discard(batchId);
	}

	/** Current state of the other devices' batches of this device's site on a service day. */
	async venueSnapshot(device: DeviceRecord, serviceDay: string): Promise<{ batchId: string; update: Uint8Array }[]> {
		const { rows } = await this.ledger.db.query<{ id: string }>(
			'SELECT id FROM batches WHERE site_code = $1 AND service_day = $2 AND device_id <> $3 ORDER BY id',
			[device.siteCode, serviceDay, device.id]
		);
		const out: { batchId: string; update: Uint8Array }[] = [];
		for (const { id } of rows)
			out.push({ batchId: id, update: await this.docs.withBatch(id, async ({ doc }) => Y.encodeStateAsUpdate(doc)) });
		return out;
	}

	private ownBatch(device: DeviceRecord, docId: string) {
		const key = parseBatchId(docId);
		if (!key || key.deviceId !== device.id) return null;
		if (key.siteCode !== device.siteCode) return null;
		return key;
	}

	private verifyKey(device: DeviceRecord): KeyObject {
		let key = this.deviceKeys.get(device.id);
		if (!key) {
			key = ed25519PublicKey(device.keys.sign);
			this.deviceKeys.set(device.id, key);
		}
		return key;
	}

	private receipt(docId: string, doc: Y.Doc, eventCount: number, receiptKey: KeyObject): Receipt {
		const stateVector = Y.encodeStateVector(doc);
		return {
			doc: docId,
			stateVector,
			eventCount,
			signature: ed25519Sign(receiptSigningBytes(docId, stateVector, eventCount), receiptKey)
		};
	}

	/** The device's SyncStep1 for one of its batches: what it lacks, what we have, a receipt. */
	async syncStep1(device: DeviceRecord, docId: string, deviceStateVector: Uint8Array, receiptKey: KeyObject) {
		if (!this.ownBatch(device, docId))
			return { ok: false as const, code: 'NOT_YOUR_BATCH', message: 'the document is not a batch of this device' };
		return this.docs.withBatch(docId, async ({ doc, eventIds }) => {
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
				receipt: this.receipt(docId, doc, eventIds.size, receiptKey)
			};
		});
	}

	async ingest(
		device: DeviceRecord,
		docId: string,
		update: Uint8Array,
		signature: Uint8Array,
		receiptKey: KeyObject
	): Promise<IngestResult> {
		const key = this.ownBatch(device, docId);
		const none = Uint8Array.of(0); // empty state vector: nothing of this document was touched
		if (!key)
			return {
				ok: false,
				code: 'NOT_YOUR_BATCH',
				message: 'the document is not a batch of this device',
				eventIds: [],
				stateVector: none
			};
		if (!ed25519Verify(updateSigningBytes(docId, device.id, update), signature, this.verifyKey(device))) {
			return {
				ok: false,
				code: 'BAD_SIGNATURE',
				message: 'the update signature does not verify',
				eventIds: [],
				stateVector: none
			};
		}
		return this.docs.withBatch(docId, async (entry) => {
			const before = Y.encodeStateVector(entry.doc);
			// The update is integrated into the batch's document once, here; if it is refused or
			// its commit does not happen, the document is dropped and rebuilt from the ledger at
			// its next use, so outside this exclusive section it never leads the ledger.
			const integrated = integrate(entry.doc, update);
			if (!integrated.ok) {
				this.docs.discard(docId);
				return { ...integrated, stateVector: before };
			}
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
			if (!checked.ok) {
				this.docs.discard(docId);
				return { ...checked, stateVector: before };
			}
			let stored = false;
			if (checked.changes) {
				let result: CommitOutcome;
				try {
					result = await this.commits.commit({
						batchId: docId,
						deviceId: device.id,
						municipality: device.municipality,
						siteCode: key.siteCode,
						serviceDay: key.serviceDay,
						update,
						signature,
						events: checked.events
					});
				} catch (error) {
					this.docs.discard(docId);
					throw error;
				}
				if ('revoked' in result) {
					this.docs.discard(docId);
					return {
						ok: false,
						code: 'DEVICE_REVOKED',
						message: 'the device is revoked',
						eventIds: [],
						stateVector: before
					};
				}
				if ('retired' in result) {
					this.docs.discard(docId);
					return {
						ok: false,
						code: 'DEVICE_RETIRED',
						message: 'the device was retired before this service day',
						eventIds: checked.events.map((e) => e.id),
						stateVector: before
					};
				}
				stored = !('duplicate' in result);
				for (const ev of checked.events) entry.eventIds.add(ev.id);
				const committed = {
					batchId: docId,
					deviceId: device.id,
					siteCode: key.siteCode,
					serviceDay: key.serviceDay,
					update
				};
				for (const listener of this.committedListeners) listener(committed);
			}
			return {
				ok: true,
				stored,
				newEvents: checked.events.length,
				receipt: this.receipt(docId, entry.doc, entry.eventIds.size, receiptKey)
			};
		});
	}
}
