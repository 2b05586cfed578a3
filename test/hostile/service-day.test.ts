import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_EVENTS } from '#shared/index';
import { MSG_REFUSED } from '#shared/protocol/messages';
import { startHostileServer, type Hostile } from './harness';
import { outcome, sendSigned, sessionOf, signUpdate } from './signed-session';

/**
 * A device writes a batch for a day to come (a forged or badly set clock): the server refuses
 * every update to a batch whose service day is more than one day after its own date in Japan,
 * stores nothing of it, names the events, and the refusal reaches the office queue. The
 * server's clock is the test's, so the outcome never depends on the day the suite runs.
 */
describe('service days in the future', () => {
	let h: Hostile;
	// 2026-11-22 23:59:59 in Japan: the next day is one second away.
	let nowMs = Date.parse('2026-11-22T14:59:59.000Z');
	beforeAll(async () => {
		h = await startHostileServer({}, { now: () => nowMs });
	});
	afterAll(async () => {
		await h.dispose();
	});

	it('refuses a batch more than one day ahead of the server, stores nothing, and queues the refusal', async () => {
		const d = await h.device();
		const s = await sessionOf(h.url, d);
		const update = (day: string) => {
			const doc = new Y.Doc();
			const ev = d.doseEvent({
				batch: d.batchFor(day),
				givenAt: `${day}T01:00:00.000Z`,
				recordedAt: `${day}T01:00:30.000Z`
			});
			doc.getArray(BATCH_EVENTS).push([ev]);
			return { ev, bytes: Y.encodeStateAsUpdate(doc), batch: d.batchFor(day) };
		};
		const base = await h.counts();
		for (const day of ['2026-11-24', '2027-01-01', '2099-12-31']) {
			const u = update(day);
			const reply = await sendSigned(s, u.batch, u.bytes, signUpdate(d, u.batch, u.bytes));
			expect(outcome(reply), day).toBe('SERVICE_DAY_FUTURE');
			expect(reply.type === MSG_REFUSED && reply.eventIds).toEqual([u.ev.id]);
		}
		expect(await h.counts()).toEqual(base);
		expect(
			(await h.server.ledger.db.query('SELECT 1 FROM batches WHERE service_day > $1', ['2026-11-23'])).rows
		).toEqual([]);

		// The refusals are logged for the back office and become review-queue items, like any refusal.
		const logged = await h.server.ledger.db.query<{ code: string; batch_id: string }>(
			'SELECT code, batch_id FROM refused_updates WHERE device_id = $1 ORDER BY id',
			[d.identity.deviceId]
		);
		expect(logged.rows.map((r) => r.code)).toEqual(['SERVICE_DAY_FUTURE', 'SERVICE_DAY_FUTURE', 'SERVICE_DAY_FUTURE']);
		await h.server.reconciler.idle();
		const items = await h.server.ledger.db.query<{ batch_id: string; details: { code: string } }>(
			`SELECT batch_id, details FROM reconciliation_items WHERE reason = 'refused-update' AND status = 'open' ORDER BY id`
		);
		expect(items.rows.map((i) => [i.batch_id, i.details.code])).toEqual(
			logged.rows.map((r) => [r.batch_id, 'SERVICE_DAY_FUTURE'])
		);

		// Tomorrow in Japan (a station whose clock runs a little ahead at midnight) and past days are accepted.
		for (const day of ['2026-11-23', '2026-11-22', '2026-11-01']) {
			const u = update(day);
			expect(outcome(await sendSigned(s, u.batch, u.bytes, signUpdate(d, u.batch, u.bytes))), day).toBe('RECEIPT');
		}
		// The same day is accepted once the server's own date comes within a day of it.
		nowMs = Date.parse('2026-11-23T00:00:00.000Z'); // 09:00 on 2026-11-23 in Japan
		const later = update('2026-11-24');
		expect(outcome(await sendSigned(s, later.batch, later.bytes, signUpdate(d, later.batch, later.bytes)))).toBe(
			'RECEIPT'
		);
		expect(await h.counts()).toEqual({ updates: base.updates + 4, events: base.events + 4 });
		s.client.close();
		await h.expectServing();
	});
});
