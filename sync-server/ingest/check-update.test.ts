import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BATCH_EVENTS, batchId, parseBatchId, validateEvent } from '#shared/index';
import { doseEvent } from '../../test/helpers/fixtures';
import { newId } from '#shared/ids';
import { craftUpdate } from '../../test/helpers/craft-update';
import { checkUpdate } from './check-update';

const deviceId = '01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f';
const batch = batchId({ deviceId, siteCode: 'V001', serviceDay: '2026-11-22' });
const ctx = {
	key: parseBatchId(batch)!,
	batchId: batch,
	knownEventIds: new Set<string>(),
	validate: validateEvent,
	today: '2026-11-22'
};

/** The server's current document and a device document that starts from the same state. */
function pair() {
	const server = new Y.Doc();
	const device = new Y.Doc();
	return { server, device };
}
const diff = (doc: Y.Doc, from: Y.Doc) => Y.encodeStateAsUpdate(doc, Y.encodeStateVector(from));

describe('checkUpdate: the batch log is append-only plain JSON of this batch', () => {
	it('accepts appended valid events and reports them', () => {
		const { server, device } = pair();
		const e = doseEvent({ deviceId, batch });
		device.getArray(BATCH_EVENTS).push([e]);
		const r = checkUpdate(server, diff(device, server), ctx);
		expect(r).toEqual({ ok: true, events: [e], changes: true });
	});

	it('reports no change for an update the server already has', () => {
		const { server, device } = pair();
		device.getArray(BATCH_EVENTS).push([doseEvent({ deviceId, batch })]);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(device));
		const r = checkUpdate(server, Y.encodeStateAsUpdate(device), { ...ctx, knownEventIds: new Set() });
		expect(r).toMatchObject({ ok: true, events: [], changes: false });
	});

	it('refuses deletions', () => {
		const { server, device } = pair();
		device.getArray(BATCH_EVENTS).push([doseEvent({ deviceId, batch })]);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(device));
		const sv = Y.encodeStateVector(device);
		device.getArray(BATCH_EVENTS).delete(0, 1);
		expect(checkUpdate(server, Y.encodeStateAsUpdate(device, sv), ctx)).toMatchObject({
			ok: false,
			code: 'UPDATE_DELETES'
		});
	});

	it('refuses other shared types, nested types, maps and text', () => {
		const cases: ((d: Y.Doc) => void)[] = [
			(d) => d.getMap('other').set('a', 1),
			(d) => d.getArray(BATCH_EVENTS).push([new Y.Map()]),
			(d) => d.getText(BATCH_EVENTS).insert(0, 'x'),
			(d) => d.getArray('events2').push([doseEvent({ deviceId, batch })])
		];
		for (const write of cases) {
			const { server, device } = pair();
			write(device);
			const r = checkUpdate(server, diff(device, server), ctx);
			expect(r.ok, write.toString()).toBe(false);
			if (!r.ok) expect(r.code).toBe('UPDATE_SHAPE');
		}
	});

	it('refuses an update whose base the server lacks, and garbage', () => {
		const { server, device } = pair();
		device.getArray(BATCH_EVENTS).push([doseEvent({ deviceId, batch })]);
		const sv = Y.encodeStateVector(device);
		device.getArray(BATCH_EVENTS).push([doseEvent({ deviceId, batch })]);
		expect(checkUpdate(server, Y.encodeStateAsUpdate(device, sv), ctx)).toMatchObject({
			ok: false,
			code: 'UPDATE_MISSING_BASE'
		});
		expect(checkUpdate(server, Uint8Array.of(200, 1, 2), ctx)).toMatchObject({ ok: false, code: 'UPDATE_MALFORMED' });
	});

	it('refuses events of another batch or device, a reused id, a schema violation', () => {
		const other = batchId({ deviceId, siteCode: 'V002', serviceDay: '2026-11-22' });
		const good = doseEvent({ deviceId, batch });
		const cases: [unknown, string][] = [
			[doseEvent({ deviceId, batch: other, siteCode: 'V002' }), 'EVENT_NOT_OF_BATCH'],
			[doseEvent({ deviceId: '01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e00', batch }), 'EVENT_NOT_OF_BATCH'],
			[doseEvent({ deviceId, batch }, '0000000001', { siteCode: 'V002' }), 'EVENT_NOT_OF_BATCH'],
			[{ ...good, nickname: 'x' }, 'EVENT_SCHEMA'],
			[{ ...good, ticketNumber: '1234 5678 9018' }, 'MY_NUMBER']
		];
		for (const [value, code] of cases) {
			const { server, device } = pair();
			device.getArray(BATCH_EVENTS).push([value]);
			expect(checkUpdate(server, diff(device, server), ctx)).toMatchObject({ ok: false, code });
		}
		const { server, device } = pair();
		device.getArray(BATCH_EVENTS).push([good]);
		expect(checkUpdate(server, diff(device, server), { ...ctx, knownEventIds: new Set([good.id]) })).toMatchObject({
			ok: false,
			code: 'EVENT_DUPLICATE_ID'
		});
	});

	it('names exactly the faulty events, so the device can resend the others', () => {
		const { server, device } = pair();
		const good = doseEvent({ deviceId, batch }, '0000000001');
		const bad = { ...doseEvent({ deviceId, batch }, '0000000002'), colour: 'red' };
		device.getArray(BATCH_EVENTS).push([good, bad, doseEvent({ deviceId, batch }, '0000000003')]);
		expect(checkUpdate(server, diff(device, server), ctx)).toMatchObject({
			ok: false,
			code: 'EVENT_SCHEMA',
			eventIds: [bad.id]
		});
	});

	it('names a refused event only by a real event id, never by one that holds a My Number', () => {
		const { server, device } = pair();
		const good = doseEvent({ deviceId, batch }, '0000000001');
		device
			.getArray(BATCH_EVENTS)
			.push([
				good,
				{ ...good, id: '123456789018' },
				{ ...good, id: 'not-an-id', extra: 1 },
				{ ...doseEvent({ deviceId, batch }), extra: 1 }
			]);
		const r = checkUpdate(server, diff(device, server), ctx);
		expect(r).toMatchObject({ ok: false, code: 'MY_NUMBER' });
		expect(!r.ok && r.eventIds).toHaveLength(1);
		expect(JSON.stringify(r)).not.toContain('123456789018');
	});

	it('reads what an update really adds: a struct parented by an item, or a client listed twice, is refused', () => {
		const server = new Y.Doc();
		const [a, b] = [doseEvent({ deviceId, batch }, '0000000001'), doseEvent({ deviceId, batch }, '0000000002')];
		Y.applyUpdate(server, craftUpdate([{ client: 7, clock: 0, parent: BATCH_EVENTS, values: [a] }]));
		const byItem = craftUpdate([{ client: 7, clock: 1, parent: { client: 7, clock: 0 }, values: [b] }]);
		expect(checkUpdate(server, byItem, { ...ctx, knownEventIds: new Set([a.id]) })).toMatchObject({
			ok: false,
			code: 'UPDATE_SHAPE'
		});
		const twice = craftUpdate([
			{ client: 8, clock: 0, parent: BATCH_EVENTS, values: [b] },
			{ client: 8, clock: 0, parent: BATCH_EVENTS, values: [doseEvent({ deviceId, batch }, '0000000003')] }
		]);
		const r = checkUpdate(new Y.Doc(), twice, ctx);
		// Whatever Yjs keeps of it, the events reported are exactly those in the document.
		if (r.ok) {
			const scratch = new Y.Doc();
			Y.applyUpdate(scratch, twice);
			expect(r.events.map((e) => e.id)).toEqual(scratch.getArray<{ id: string }>(BATCH_EVENTS).map((e) => e.id));
		} else expect(r.code).toBe('UPDATE_SHAPE');
	});

	it('never echoes a shared type name, which could be a My Number', () => {
		const { server, device } = pair();
		device.getArray('123456789018').push([1]);
		const r = checkUpdate(server, diff(device, server), ctx);
		expect(r).toMatchObject({ ok: false, code: 'UPDATE_SHAPE' });
		expect(JSON.stringify(r)).not.toContain('123456789018');
	});

	it("refuses a correction or void of an event outside the device's batch", () => {
		const { server, device } = pair();
		const own = doseEvent({ deviceId, batch }, '0000000001');
		const base = { batch, device: deviceId, operator: 'N001', recordedAt: own.recordedAt, reason: '二重登録' };
		device.getArray(BATCH_EVENTS).push([own, { ...base, id: newId(), type: 'void', replaces: own.id }]);
		expect(checkUpdate(server, diff(device, server), ctx)).toMatchObject({ ok: true });
		const other = pair();
		other.device.getArray(BATCH_EVENTS).push([{ ...base, id: newId(), type: 'void', replaces: newId() }]);
		expect(checkUpdate(other.server, diff(other.device, other.server), ctx)).toMatchObject({
			ok: false,
			code: 'EVENT_REPLACES_FOREIGN'
		});
	});

	it("refuses a batch whose service day is more than one day after the server's date, naming its events", () => {
		const ahead = (today: string) => {
			const { server, device } = pair();
			const e = doseEvent({ deviceId, batch });
			device.getArray(BATCH_EVENTS).push([e, { ...e, id: '123456789018' }]);
			return { r: checkUpdate(server, diff(device, server), { ...ctx, today }), e };
		};
		// The batch is of 2026-11-22: accepted from that day on, and the day before (a clock a
		// little ahead near midnight); refused two days before and earlier.
		expect(ahead('2026-11-22').r).toMatchObject({ ok: false, code: 'MY_NUMBER' });
		expect(ahead('2026-11-21').r).toMatchObject({ ok: false, code: 'MY_NUMBER' });
		const { r, e } = ahead('2026-11-20');
		expect(r).toMatchObject({ ok: false, code: 'SERVICE_DAY_FUTURE', eventIds: [e.id] });
		expect(JSON.stringify(r)).not.toContain('123456789018');
		const { server, device } = pair();
		device.getArray(BATCH_EVENTS).push([doseEvent({ deviceId, batch })]);
		expect(checkUpdate(server, diff(device, server), { ...ctx, today: '2026-11-21' })).toMatchObject({ ok: true });
		expect(checkUpdate(server, diff(device, server), { ...ctx, today: '2025-12-31' })).toMatchObject({
			ok: false,
			code: 'SERVICE_DAY_FUTURE'
		});
	});

	it('integrates the update into the document once and reads only what it added, in array order', () => {
		const server = new Y.Doc({ gc: false });
		const device = new Y.Doc({ gc: false });
		const day = Array.from({ length: 50 }, (_, i) => doseEvent({ deviceId, batch }, String(i + 1).padStart(10, '0')));
		device.getArray(BATCH_EVENTS).push(day);
		expect(checkUpdate(server, diff(device, server), ctx)).toMatchObject({ ok: true, changes: true });
		// The document itself now holds the update (no scratch copy to integrate it into again).
		expect(server.getArray(BATCH_EVENTS).length).toBe(50);
		// A later event, and a correction of it written under another client id (as a rebase
		// moves events), arrive together: only they are read, the correction after its target.
		const known = { ...ctx, knownEventIds: new Set(day.map((e) => e.id)) };
		const next = doseEvent({ deviceId, batch }, '0000000051');
		device.getArray(BATCH_EVENTS).push([next]);
		const moved = new Y.Doc({ gc: false });
		Y.applyUpdate(moved, Y.encodeStateAsUpdate(device));
		const fix = {
			batch,
			device: deviceId,
			operator: 'N001',
			recordedAt: next.recordedAt,
			reason: '二重登録',
			id: newId(),
			type: 'void',
			replaces: next.id
		};
		moved.getArray(BATCH_EVENTS).push([fix]);
		const r = checkUpdate(server, diff(moved, server), known);
		expect(r).toMatchObject({ ok: true, changes: true });
		expect(r.ok && r.events.map((e) => e.id)).toEqual([next.id, fix.id]);
	});

	it('reads in array order an update whose new events are not one run (the walk from the head)', () => {
		const server = new Y.Doc({ gc: false });
		const device = new Y.Doc({ gc: false });
		const first = doseEvent({ deviceId, batch }, '0000000001');
		device.getArray(BATCH_EVENTS).push([first]);
		expect(checkUpdate(server, diff(device, server), ctx)).toMatchObject({ ok: true, changes: true });
		// Under a new client id (as after a reload), an event appended, then one inserted before
		// the old one: the first new item by clock is not the leftmost and the old item between
		// them is not new, so integrate walks from the array's head (Yjs's private _start).
		const reloaded = new Y.Doc({ gc: false });
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(device));
		const later = doseEvent({ deviceId, batch }, '0000000003');
		const before = doseEvent({ deviceId, batch }, '0000000002');
		reloaded.getArray(BATCH_EVENTS).push([later]);
		reloaded.getArray(BATCH_EVENTS).insert(0, [before]);
		const r = checkUpdate(server, diff(reloaded, server), { ...ctx, knownEventIds: new Set([first.id]) });
		expect(r).toMatchObject({ ok: true, changes: true });
		expect(r.ok && r.events.map((e) => e.id)).toEqual([before.id, later.id]);
	});
});
