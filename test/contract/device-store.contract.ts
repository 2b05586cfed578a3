import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_EVENTS, batchId, type DoseEvent } from '#shared/index';
import { DEFAULT_VACCINE_CATALOG } from '#shared/domain/vaccines';
import type { DeviceSyncStore, LiveUpdate } from '#shared/sync/device-sync';
import { doseEvent } from '../helpers/fixtures';

export type SyncState = 'local' | 'sent' | 'receipted' | 'refused';

export interface HeldEvent {
	state: SyncState;
	refusal?: { code: string; message: string };
	event: DoseEvent;
}

/**
 * A device store as the contract drives it: the DeviceSyncStore the sync engine drives (what
 * the server said), plus what the app does to it (append) and reads of it (each event's state).
 */
export interface DeviceStoreUnderTest {
	deviceId: string;
	store: DeviceSyncStore & Required<Pick<DeviceSyncStore, 'storedUpdates' | 'unreceiptedCount' | 'catalogVersion'>>;
	/** Records an event as the app does; resolves once stored, with its live update. */
	append(event: DoseEvent): Promise<LiveUpdate>;
	/** Every event the store holds, by id. */
	held(): Promise<Map<string, HeldEvent>>;
	/** The store opened again from what it persisted (absent when it keeps nothing past its life). */
	reopen?(): Promise<DeviceStoreUnderTest>;
	/** Removes batches settled before `today` (DESIGN: purge after receipt and the service day). */
	purgeSettledBefore?(today: string): Promise<number>;
	close(): void;
}

const SIGNATURE = new Uint8Array(64);

/**
 * One acceptance suite for every device store (as automerge-repo runs one suite against each
 * storage adapter): the store the PWA ships and the one the simulator and the load and faults
 * suites drive must behave the same for everything the sync engine relies on.
 */
export function deviceStoreContract(
	name: string,
	open: () => Promise<DeviceStoreUnderTest>,
	/**
	 * What the store does beyond the sync engine's needs. The memory store keeps nothing past its
	 * life and never purges: those cases are for the stores that do, not skipped for the others.
	 */
	has: { persistence: boolean; purge: boolean }
): void {
	describe(`device store contract: ${name}`, () => {
		let s: DeviceStoreUnderTest;
		beforeEach(async () => {
			s = await open();
		});
		afterEach(() => s.close());

		const batch = (day = '2026-11-22') => batchId({ deviceId: s.deviceId, siteCode: 'V001', serviceDay: day });
		let ticket = 0;
		const dose = (b = batch()) => doseEvent({ deviceId: s.deviceId, batch: b }, String(++ticket).padStart(10, '0'));
		const states = async () => new Map([...(await s.held())].map(([id, h]) => [id, h.state]));
		const docIds = async (b = batch()) =>
			(await s.store.batchDoc(b)).getArray<DoseEvent>(BATCH_EVENTS).map((e) => e.id);
		/** The document the stored updates rebuild: what an upload merged from them carries. */
		const fromStored = async (b = batch()) => {
			const doc = new Y.Doc({ gc: false });
			for (const u of await s.store.storedUpdates(b)) Y.applyUpdate(doc, u);
			return doc;
		};
		const receipt = (stateVector: Uint8Array, b = batch()) =>
			s.store.saveReceipt({ batchId: b, stateVector, eventCount: 0, signature: SIGNATURE });

		it('an appended event is local and pending, in the live document and in the stored updates', async () => {
			const e = dose();
			const live = await s.append(e);
			expect(await states()).toEqual(new Map([[e.id, 'local']]));
			expect((await s.held()).get(e.id)!.event).toEqual(e);
			expect(await s.store.pendingBatchIds()).toEqual([batch()]);
			expect(await s.store.unreceiptedCount()).toBe(1);
			const doc = await s.store.batchDoc(batch());
			expect(doc.getArray(BATCH_EVENTS).toJSON()).toEqual([e]);
			expect(live.stateBefore).toEqual(Y.encodeStateVector(new Y.Doc()));
			expect(live.stateAfter).toEqual(Y.encodeStateVector(doc));
			expect(await s.store.storedUpdates(batch())).toEqual([live.update]);
		});

		it('keeps events in the order they were appended, one stored update each, chained', async () => {
			const events = [dose(), dose(), dose()];
			const lives: LiveUpdate[] = [];
			for (const e of events) lives.push(await s.append(e));
			expect(await docIds()).toEqual(events.map((e) => e.id));
			expect(await s.store.storedUpdates(batch())).toEqual(lives.map((l) => l.update));
			for (let i = 1; i < lives.length; i++) expect(lives[i]!.stateBefore).toEqual(lives[i - 1]!.stateAfter);
			expect((await fromStored()).getArray(BATCH_EVENTS).toJSON()).toEqual(events);
		});

		it('marks sent exactly what a state vector covers', async () => {
			const [a, b, c] = [dose(), dose(), dose()];
			await s.append(a);
			const second = await s.append(b);
			await s.append(c);
			await s.store.markSent(batch(), second.stateAfter);
			expect(await states()).toEqual(
				new Map([
					[a.id, 'sent'],
					[b.id, 'sent'],
					[c.id, 'local']
				])
			);
			expect(await s.store.unreceiptedCount()).toBe(3);
			expect(await s.store.pendingBatchIds()).toEqual([batch()]);
		});

		it('a receipt settles what it covers, sent or not, and a repeated receipt changes nothing', async () => {
			const [a, b, c] = [dose(), dose(), dose()];
			const first = await s.append(a);
			const second = await s.append(b);
			const third = await s.append(c);
			await s.store.markSent(batch(), first.stateAfter);
			await receipt(second.stateAfter);
			const after = new Map([
				[a.id, 'receipted'],
				[b.id, 'receipted'],
				[c.id, 'local']
			]);
			expect(await states()).toEqual(after);
			await receipt(second.stateAfter);
			expect(await states()).toEqual(after);
			expect(await s.store.unreceiptedCount()).toBe(1);
			await receipt(third.stateAfter);
			expect(await s.store.unreceiptedCount()).toBe(0);
			expect(await s.store.pendingBatchIds()).toEqual([]);
			// Sending again what is receipted does not step it back.
			await s.store.markSent(batch(), third.stateAfter);
			expect((await states()).get(c.id)).toBe('receipted');
		});

		/** Three events appended and sent (the refusal cases: the server takes the first, refuses the second). */
		const sendThree = async () => {
			const [a, b, c] = [dose(), dose(), dose()];
			const accepted = await s.append(a);
			await s.append(b);
			const last = await s.append(c);
			await s.store.markSent(batch(), last.stateAfter);
			return { a, b, c, accepted };
		};
		const refuse = (b: DoseEvent, accepted: LiveUpdate) =>
			s.store.markRefused({
				batchId: batch(),
				code: 'EVENT_SCHEMA',
				message: 'bad field',
				eventIds: [b.id],
				stateVector: accepted.stateAfter
			});

		it('a refusal keeps the refused event with its reason and rebases the rest onto the server', async () => {
			const { a, b, c, accepted } = await sendThree();
			await refuse(b, accepted);
			const held = await s.held();
			expect(held.get(b.id)).toEqual({
				state: 'refused',
				refusal: { code: 'EVENT_SCHEMA', message: 'bad field' },
				event: b
			});
			expect(held.get(a.id)!.state).toBe('sent');
			expect(held.get(c.id)!.state).toBe('local');
			// The log the server will see: what it accepted, then the rest appended again.
			expect(await docIds()).toEqual([a.id, c.id]);
			const stored = await fromStored();
			expect(stored.getArray(BATCH_EVENTS).toJSON()).toEqual([a, c]);
			expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(await s.store.batchDoc(batch())));
			// The rebased event is receipted by the server's state after it takes the rebased log.
			await receipt(Y.encodeStateVector(stored));
			expect(await states()).toEqual(
				new Map([
					[a.id, 'receipted'],
					[b.id, 'refused'],
					[c.id, 'receipted']
				])
			);
			expect(await s.store.pendingBatchIds()).toEqual([]);
			// A later event goes on the rebased log.
			const d = dose();
			const next = await s.append(d);
			expect(next.stateBefore).toEqual(Y.encodeStateVector(stored));
			expect(await docIds()).toEqual([a.id, c.id, d.id]);
		});

		it('a refusal naming no event changes nothing', async () => {
			const e = dose();
			const live = await s.append(e);
			await s.store.markRefused({
				batchId: batch(),
				code: 'BATCH_DEVICE',
				message: 'not yours',
				eventIds: [],
				stateVector: Y.encodeStateVector(new Y.Doc())
			});
			expect(await states()).toEqual(new Map([[e.id, 'local']]));
			expect(Y.encodeStateVector(await s.store.batchDoc(batch()))).toEqual(live.stateAfter);
			expect(await s.store.storedUpdates(batch())).toEqual([live.update]);
		});

		it("keeps the server's content of its own batch, once, and appends after it", async () => {
			// What the server holds of this batch that the device lacks (a device restored from an older copy).
			const elsewhere = new Y.Doc({ gc: false });
			const lost = [dose(), dose()];
			elsewhere.getArray(BATCH_EVENTS).push(lost);
			const update = Y.encodeStateAsUpdate(elsewhere);
			await s.store.keepServerContent(batch(), update);
			await s.store.keepServerContent(batch(), update);
			expect(await docIds()).toEqual(lost.map((e) => e.id));
			expect((await fromStored()).getArray(BATCH_EVENTS).toJSON()).toEqual(lost);
			const e = dose();
			await s.append(e);
			expect(await docIds()).toEqual([...lost.map((x) => x.id), e.id]);
			expect((await fromStored()).getArray(BATCH_EVENTS).toJSON()).toEqual([...lost, e]);
		});

		it('keeps batches apart', async () => {
			const [a, b] = [dose(batch('2026-11-22')), dose(batch('2026-11-23'))];
			const first = await s.append(a);
			await s.append(b);
			expect((await s.store.pendingBatchIds()).sort()).toEqual([batch('2026-11-22'), batch('2026-11-23')]);
			await receipt(first.stateAfter, batch('2026-11-22'));
			expect(await s.store.pendingBatchIds()).toEqual([batch('2026-11-23')]);
			expect(await docIds(batch('2026-11-23'))).toEqual([b.id]);
		});

		it('keeps the newest vaccine catalogue version', async () => {
			expect(await s.store.catalogVersion()).toBe(0);
			await s.store.saveCatalog?.({ version: 3, catalog: DEFAULT_VACCINE_CATALOG });
			expect(await s.store.catalogVersion()).toBe(3);
		});

		if (has.persistence)
			it('reads the state an event was left in after it is opened again', async () => {
				const { a, b, c, accepted } = await sendThree();
				await receipt(accepted.stateAfter);
				await refuse(b, accepted);
				const elsewhere = new Y.Doc({ gc: false });
				elsewhere.getArray(BATCH_EVENTS).push([dose(batch('2026-11-21'))]);
				await s.store.keepServerContent(batch('2026-11-21'), Y.encodeStateAsUpdate(elsewhere));
				const before = await s.held();
				const doc = Y.encodeStateVector(await s.store.batchDoc(batch()));
				const stored = await s.store.storedUpdates(batch());
				s = await s.reopen!();
				expect(await s.held()).toEqual(before);
				expect(Y.encodeStateVector(await s.store.batchDoc(batch()))).toEqual(doc);
				expect(await s.store.storedUpdates(batch())).toEqual(stored);
				expect(await docIds()).toEqual([a.id, c.id]);
				expect((await docIds(batch('2026-11-21'))).length).toBe(1);
				expect(await s.store.pendingBatchIds()).toEqual([batch()]);
			});

		if (has.purge)
			it('purges batches of earlier days once everything in them is settled', async () => {
				const settled = await s.append(dose(batch('2026-11-20')));
				await receipt(settled.stateAfter, batch('2026-11-20'));
				const open = dose(batch('2026-11-21'));
				await s.append(open);
				const today = dose(batch('2026-11-22'));
				const live = await s.append(today);
				await receipt(live.stateAfter, batch('2026-11-22'));
				expect(await s.purgeSettledBefore!('2026-11-22')).toBe(1);
				expect([...(await s.held()).keys()].sort()).toEqual([open.id, today.id].sort());
				expect(await s.store.storedUpdates(batch('2026-11-20'))).toEqual([]);
			});
	});
}
