import fc from 'fast-check';
import nacl from 'tweetnacl';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { messageYjsSyncStep1 } from 'y-protocols/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_EVENTS, batchId, validateEvent } from '#shared/index';
import { newId } from '#shared/ids';
import { MSG_RECEIPT, MSG_REFUSED, MSG_SYNC } from '#shared/protocol/messages';
import type { MemoryDevice } from '../helpers/memory-device';
import { craftUpdate } from '../helpers/craft-update';
import { fuzz, startHostileServer, type Counts, type Hostile } from './harness';
import type { Session } from './hostile-client';
import { outcome, sendSigned, sessionOf, signUpdate } from './signed-session';

/** An update that appends these values to a fresh document's event log. */
function appendUpdate(values: unknown[]): Uint8Array {
	const doc = new Y.Doc();
	doc.getArray(BATCH_EVENTS).push(values);
	return Y.encodeStateAsUpdate(doc);
}

describe('signed updates: replays, forgeries, deletions, other devices’ documents, schema', () => {
	let h: Hostile;
	let d: MemoryDevice;
	let s: Session;
	let base: Counts;
	beforeAll(async () => {
		h = await startHostileServer({ HANDSHAKE_BURST: '10000', HANDSHAKES_PER_SECOND: '10000' });
	});
	beforeEach(async () => {
		d = await h.device();
		s = await sessionOf(h.url, d);
		base = await h.counts();
	});
	afterEach(async () => {
		s.client.close();
		await h.expectServing();
	});
	afterAll(async () => {
		await h.dispose();
	});

	const expectNothingStored = async () => expect(await h.counts()).toEqual(base);
	const refusal = async (doc: string, update: Uint8Array, signature = signUpdate(d, doc, update)) =>
		outcome(await sendSigned(s, doc, update, signature));

	it('a replayed update, in the same or a later session, after newer ones, is receipted and stored once', async () => {
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		doc.getArray(BATCH_EVENTS).push([d.doseEvent({}, '0000000001')]);
		doc.getArray(BATCH_EVENTS).push([d.doseEvent({}, '0000000002')]);
		const batch = d.batchFor();
		for (const u of updates) expect(await refusal(batch, u)).toBe('RECEIPT');
		const again = await sendSigned(s, batch, updates[0]!, signUpdate(d, batch, updates[0]!));
		expect(again).toMatchObject({ type: MSG_RECEIPT, eventCount: 2 });
		const later = await sessionOf(h.url, d);
		expect(await sendSigned(later, batch, updates[1]!, signUpdate(d, batch, updates[1]!))).toMatchObject({
			type: MSG_RECEIPT,
			eventCount: 2
		});
		later.client.close();
		expect(await h.counts()).toEqual({ updates: base.updates + 2, events: base.events + 2 });
	});

	it("another device's signed update: replayed by another device, or presented for another batch", async () => {
		const other = await h.device();
		const update = appendUpdate([other.doseEvent()]);
		const signed = signUpdate(other, other.batchFor(), update);
		// Sent by d on its own connection, as other's document: not d's batch.
		expect(await refusal(other.batchFor(), update, signed)).toBe('NOT_YOUR_BATCH');
		// Presented as d's batch with other's signature: the signature binds document and device.
		expect(await refusal(d.batchFor(), update, signed)).toBe('BAD_SIGNATURE');
		// d's own update signed for one of its batches, presented for another of its batches.
		const own = appendUpdate([d.doseEvent()]);
		expect(await refusal(d.batchFor('2026-11-23'), own, signUpdate(d, d.batchFor(), own))).toBe('BAD_SIGNATURE');
		await expectNothingStored();
	});

	it('forged signatures: random, bit-flipped, truncated, extended, empty, over other bytes', async () => {
		const update = appendUpdate([d.doseEvent()]);
		const batch = d.batchFor();
		const real = signUpdate(d, batch, update);
		const forged = fc.oneof(
			fc.uint8Array({ minLength: 64, maxLength: 64 }),
			fc.nat({ max: 64 * 8 - 1 }).map((bit) => {
				const sig = real.slice();
				sig[bit >> 3]! ^= 1 << (bit & 7);
				return sig;
			}),
			fc.nat({ max: 63 }).map((n) => real.slice(0, n)),
			fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => Uint8Array.from([...real, ...extra])),
			fc
				.uint8Array({ minLength: 1, maxLength: 64 })
				.map((bytes) => signUpdate(d, batch, Uint8Array.from([...update, ...bytes])))
		);
		await fuzz(forged, 100, async (signature) => {
			expect(await refusal(batch, update, signature)).toBe('BAD_SIGNATURE');
		});
		await expectNothingStored();
		// The control: the real signature is accepted.
		expect(await refusal(batch, update, real)).toBe('RECEIPT');
		base = await h.counts();
	});

	it('updates that delete, reshape or reach outside the event log are refused with their code', async () => {
		const batch = d.batchFor();
		const first = d.doseEvent({}, '0000000001');
		const doc = new Y.Doc({ gc: false });
		doc.getArray(BATCH_EVENTS).push([first]);
		expect(await refusal(batch, Y.encodeStateAsUpdate(doc))).toBe('RECEIPT');
		base = await h.counts();
		const sv = Y.encodeStateVector(doc);
		const item = (doc.getArray(BATCH_EVENTS) as unknown as { _start: Y.Item })._start;

		// A delete set alone, naming the stored event.
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, 1);
		encoding.writeVarUint(e, item.id.client);
		encoding.writeVarUint(e, 1);
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, 1);
		const cases: [string, Uint8Array][] = [
			['UPDATE_DELETES', encoding.toUint8Array(e)],
			[
				'UPDATE_SHAPE',
				craftUpdate([{ client: 991, clock: 0, parent: { client: item.id.client, clock: 0 }, values: [d.doseEvent()] }])
			],
			[
				'UPDATE_SHAPE',
				(() => {
					const o = new Y.Doc();
					o.getMap('events2').set('x', d.doseEvent());
					return Y.encodeStateAsUpdate(o);
				})()
			],
			[
				'UPDATE_SHAPE',
				(() => {
					const o = new Y.Doc();
					o.getArray(BATCH_EVENTS).push([new Y.Map()]);
					return Y.encodeStateAsUpdate(o);
				})()
			],
			['UPDATE_MISSING_BASE', craftUpdate([{ client: 992, clock: 5, parent: BATCH_EVENTS, values: [d.doseEvent()] }])],
			['UPDATE_MALFORMED', nacl.randomBytes(40)],
			['EVENT_NOT_OF_BATCH', appendUpdate([{ ...d.doseEvent(), device: newId() }])],
			['EVENT_NOT_OF_BATCH', appendUpdate([d.doseEvent({ siteCode: 'V999' })])],
			[
				'EVENT_REPLACES_FOREIGN',
				appendUpdate([
					{
						id: newId(),
						type: 'void',
						batch,
						device: d.identity.deviceId,
						operator: 'N001',
						recordedAt: first.recordedAt,
						replaces: newId(),
						reason: '二重登録'
					}
				])
			],
			['EVENT_DUPLICATE_ID', appendUpdate([{ ...d.doseEvent(), id: first.id }])]
		];
		doc.getArray(BATCH_EVENTS).delete(0, 1);
		cases.unshift(['UPDATE_DELETES', Y.encodeStateAsUpdate(doc, sv)]);
		const got = [];
		for (const [, update] of cases) got.push(await refusal(batch, update));
		expect(got).toEqual(cases.map(([code]) => code));
		await expectNothingStored();
	});

	it('a refused update leaves no trace: the same client and clock with valid content is then stored', async () => {
		const batch = d.batchFor();
		expect(
			await refusal(
				batch,
				craftUpdate([{ client: 4242, clock: 0, parent: BATCH_EVENTS, values: [{ ...d.doseEvent(), extra: 1 }] }])
			)
		).toBe('EVENT_SCHEMA');
		const good = d.doseEvent({}, '0000000777');
		const update = craftUpdate([{ client: 4242, clock: 0, parent: BATCH_EVENTS, values: [good] }]);
		expect(await sendSigned(s, batch, update, signUpdate(d, batch, update))).toMatchObject({
			type: MSG_RECEIPT,
			eventCount: 1
		});
		const rows = (
			await h.server.ledger.db.query<{ event_id: string }>('SELECT event_id FROM dose_events WHERE batch_id = $1', [
				batch
			])
		).rows;
		expect(rows.map((r) => r.event_id)).toEqual([good.id]);
		base = await h.counts();
	});

	it("other devices' documents can be neither written nor read, nor can a batch id be made up", async () => {
		const other = await h.device();
		other.append(other.doseEvent());
		other.start();
		await other.until(() => other.count('receipted') === 1);
		other.stop();
		base = await h.counts();
		const ev = d.doseEvent();
		const docs = [
			other.batchFor(),
			batchId({ deviceId: d.identity.deviceId, siteCode: 'V002', serviceDay: '2026-11-22' }),
			'',
			'../../etc/passwd',
			`${d.batchFor()}/../${other.batchFor()}`
		];
		for (const doc of docs) {
			expect(await refusal(doc, appendUpdate([ev])), doc).toBe('NOT_YOUR_BATCH');
			// Reading: a SyncStep1 for the document is refused and nothing of it comes back.
			s.send({ type: MSG_SYNC, doc, kind: messageYjsSyncStep1, payload: Uint8Array.of(0) });
			const reply = await s.next((m) => m.type === MSG_REFUSED || m.type === MSG_SYNC || m.type === MSG_RECEIPT);
			expect(reply && outcome(reply), doc).toBe('NOT_YOUR_BATCH');
		}
		await expectNothingStored();
	});

	it('events outside the schema (fuzzed) are refused with EVENT_SCHEMA, or the code of their fault', async () => {
		const batch = d.batchFor();
		const valid = d.doseEvent();
		const keys = Object.keys(valid);
		const mutation = fc.oneof(
			// A field removed.
			fc.constantFrom(...keys).map((k) => {
				const { [k]: _dropped, ...rest } = valid as Record<string, unknown>;
				return rest;
			}),
			// A field given any other JSON value.
			fc.tuple(fc.constantFrom(...keys), fc.jsonValue()).map(([k, value]) => ({ ...valid, [k]: value })),
			// A field that is not in the schema.
			fc
				.tuple(
					fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !keys.includes(k)),
					fc.jsonValue()
				)
				.map(([k, value]) => ({ ...valid, [k]: value })),
			// Not an object at all.
			fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
		);
		await fuzz(mutation, 150, async (value) => {
			const checked = validateEvent(value);
			// A mutation that happens to stay valid (another plausible operator code…) is not a case.
			fc.pre(!checked.ok);
			const first = checked.ok ? null : checked.errors[0]!.code;
			const expected =
				first === 'MY_NUMBER'
					? 'MY_NUMBER'
					: first?.startsWith('BATCH_') && first.endsWith('_MISMATCH')
						? 'EVENT_NOT_OF_BATCH'
						: 'EVENT_SCHEMA';
			expect(await refusal(batch, appendUpdate([value]))).toBe(expected);
		});
		await expectNothingStored();
	});
});
