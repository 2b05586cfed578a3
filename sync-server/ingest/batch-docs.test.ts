import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS } from '#shared/index';
import type { Ledger, StoredUpdate } from '../ledger/ledger';
import { BatchDocs } from './batch-docs';

/** A device's batch document on another process: each append is one update, as the device sends it. */
function remoteBatch() {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	return {
		append(id: string): Uint8Array {
			doc.getArray(BATCH_EVENTS).push([{ id }]);
			return updates.at(-1)!;
		}
	};
}

/** The ledger's stored updates of one batch, and how often BatchDocs read them. */
function storedLedger(stored: Uint8Array[]) {
	const reads: string[] = [];
	const ledger = {
		async batchUpdates(batchId: string): Promise<StoredUpdate[]> {
			reads.push(batchId);
			return stored.map((update, i) => ({ seq: i + 1, update }));
		}
	} as unknown as Ledger;
	return { ledger, reads };
}

const BATCH = 'batch-1';
const idsOf = (docs: BatchDocs) =>
	docs.withBatch(BATCH, async (e) => ({
		ids: [...e.eventIds].sort(),
		array: e.doc
			.getArray<{ id: string }>(BATCH_EVENTS)
			.toArray()
			.map((v) => v.id)
	}));

describe('BatchDocs.absorb: updates another process committed', () => {
	it("adds the update's events to the cached batch", async () => {
		const remote = remoteBatch();
		const { ledger } = storedLedger([remote.append('e1')]);
		const docs = new BatchDocs(ledger);
		expect((await idsOf(docs)).ids).toEqual(['e1']);
		await docs.absorb(BATCH, remote.append('e2'));
		await docs.absorb(BATCH, remote.append('e3'));
		expect(await idsOf(docs)).toEqual({ ids: ['e1', 'e2', 'e3'], array: ['e1', 'e2', 'e3'] });
	});

	it('counts an update that came before the one it depends on once that one is absorbed', async () => {
		const remote = remoteBatch();
		const { ledger } = storedLedger([remote.append('e1')]);
		const docs = new BatchDocs(ledger);
		await idsOf(docs);
		const u2 = remote.append('e2');
		const u3 = remote.append('e3');
		await docs.absorb(BATCH, u3);
		expect((await idsOf(docs)).ids).toEqual(['e1']);
		await docs.absorb(BATCH, u2);
		expect(await idsOf(docs)).toEqual({ ids: ['e1', 'e2', 'e3'], array: ['e1', 'e2', 'e3'] });
	});

	it('changes nothing when the same update comes again', async () => {
		const remote = remoteBatch();
		const { ledger } = storedLedger([remote.append('e1')]);
		const docs = new BatchDocs(ledger);
		await idsOf(docs);
		const u2 = remote.append('e2');
		await docs.absorb(BATCH, u2);
		await docs.absorb(BATCH, u2);
		expect(await idsOf(docs)).toEqual({ ids: ['e1', 'e2'], array: ['e1', 'e2'] });
	});

	it('leaves an uncached batch to be rebuilt from the ledger when next used', async () => {
		const remote = remoteBatch();
		const stored = [remote.append('e1')];
		const { ledger, reads } = storedLedger(stored);
		const docs = new BatchDocs(ledger);
		const u2 = remote.append('e2');
		await docs.absorb(BATCH, u2);
		expect(reads).toEqual([]);
		stored.push(u2);
		expect((await idsOf(docs)).ids).toEqual(['e1', 'e2']);
	});
});
