import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_EVENTS, validateEvent, type DoseRecordEvent } from '#shared/index';
import { newId } from '#shared/ids';
import { sampleBatchClose, sampleCorrection, sampleNotVaccinated, sampleVoid } from '#shared/domain/testing/fixtures';
import { MSG_REFUSED } from '#shared/protocol/messages';
import type { MemoryDevice } from '../helpers/memory-device';
import { startHostileServer, type Hostile } from './harness';
import { sendSigned, sessionOf, signUpdate } from './signed-session';
import { DIGITS, DISGUISES, holdsTheNumber } from './disguises';

/** One My Number as it could be written into a field, disguises included. */
const WRITINGS = ['1234 5678 9018', 'メモ123456789018です', ...DISGUISES];

/** Every path to a leaf (string, number, boolean or null) of a JSON object. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
	if (value === null || typeof value !== 'object') return [prefix];
	return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

function withLeaf(value: Record<string, unknown>, path: string[], leaf: unknown): Record<string, unknown> {
	const [head, ...rest] = path;
	return {
		...value,
		[head!]: rest.length === 0 ? leaf : withLeaf(value[head!] as Record<string, unknown>, rest, leaf)
	};
}

describe('a My Number in any field of any event type is refused with MY_NUMBER and kept nowhere', () => {
	let h: Hostile;
	let d: MemoryDevice;
	beforeAll(async () => {
		h = await startHostileServer();
		d = await h.device();
	});
	afterAll(async () => {
		await h.dispose();
	});

	/** A valid event of each type, in d's batch (so the My Number is its only fault). */
	function events(): Record<string, unknown>[] {
		const own = { batch: d.batchFor(), device: d.identity.deviceId };
		const dose = d.doseEvent() as DoseRecordEvent;
		const { id: _i, batch: _b, device: _d, operator: _o, recordedAt: _r, ...record } = dose;
		const at = {
			givenAt: dose.givenAt,
			recordedAt: dose.recordedAt,
			siteCode: dose.siteCode,
			municipality: dose.municipality
		};
		return [
			dose,
			sampleNotVaccinated({ ...own, ...at, id: newId() }),
			sampleCorrection({
				...own,
				id: newId(),
				recordedAt: dose.recordedAt,
				replaces: dose.id,
				record: record as never
			}),
			sampleVoid({ ...own, id: newId(), recordedAt: dose.recordedAt, replaces: dose.id }),
			sampleBatchClose({ ...own, id: newId(), recordedAt: dose.recordedAt })
		] as unknown as Record<string, unknown>[];
	}

	it('every field, every writing, and as a field name', async () => {
		const s = await sessionOf(h.url, d);
		const before = await h.counts();
		const cases: { type: string; path: string; value: unknown }[] = [];
		for (const ev of events()) {
			expect(validateEvent(ev), String(ev.type)).toMatchObject({ ok: true });
			for (const path of leafPaths(ev)) {
				const leaves =
					typeof path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], ev) === 'number'
						? [...WRITINGS, Number(DIGITS)]
						: WRITINGS;
				for (const leaf of leaves)
					cases.push({ type: String(ev.type), path: path.join('.'), value: withLeaf(ev, path, leaf) });
			}
			cases.push({ type: String(ev.type), path: '(field name)', value: { ...ev, [DIGITS]: 'x' } });
		}
		const failures: string[] = [];
		for (const c of cases) {
			const doc = new Y.Doc();
			doc.getArray(BATCH_EVENTS).push([c.value]);
			const update = Y.encodeStateAsUpdate(doc);
			const reply = await sendSigned(s, d.batchFor(), update, signUpdate(d, d.batchFor(), update));
			const code = reply.type === MSG_REFUSED ? reply.code : 'accepted';
			if (code !== 'MY_NUMBER') failures.push(`${c.type} ${c.path}: ${code}`);
			// Not even echoed back to the device that sent it (an id field holding one, say).
			if (holdsTheNumber(JSON.stringify(reply))) failures.push(`${c.type} ${c.path}: echoed`);
		}
		expect(failures).toEqual([]);
		expect(cases.length).toBeGreaterThan(500);
		expect(await h.counts()).toEqual(before);

		// Nowhere on the server: not in its logs, not in the refusals kept for the back office.
		const refused = JSON.stringify((await h.server.ledger.db.query('SELECT * FROM refused_updates')).rows);
		for (const text of [h.server.logs.join('\n'), refused]) expect(holdsTheNumber(text)).toBe(false);
		s.client.close();
		await h.expectServing();
	});
});
