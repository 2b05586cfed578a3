import * as Y from 'yjs';
import { messageYjsSyncStep1 } from 'y-protocols/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_EVENTS } from '#shared/index';
import { MSG_RECEIPT, MSG_REFUSED, MSG_SYNC } from '#shared/protocol/messages';
import { LedgerUnavailableError } from '../../sync-server/ledger/errors';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';
import type { Session } from '../hostile/hostile-client';
import { sendSigned, sessionOf, signUpdate } from '../hostile/signed-session';

/**
 * An update in flight behind one whose commit failed for a reason that will pass (a database
 * restarting): it builds on what was not stored. It is answered as the first was — retryable,
 * naming no event — not refused as UPDATE_MISSING_BASE, which would put a refused update in the
 * office's queue and (before the fix) left the device's events unsent until its next dose.
 */
describe.each(BACKENDS)('updates in flight behind a failed commit (%s)', (backend) => {
	let server: TestServer;
	const devices: MemoryDevice[] = [];

	beforeAll(async () => {
		server = await startBackendServer(backend);
	});
	afterEach(() => {
		for (const d of devices.splice(0)) d.stop();
	});
	afterAll(async () => {
		await server.dispose();
	});

	async function enrol(): Promise<MemoryDevice> {
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: 'V001' })
		);
		devices.push(d);
		return d;
	}

	/** The ledger's next `n` commits fail as a database restarting does. */
	function failCommits(n: number): void {
		const ledger = server.ledger;
		const real = ledger.commitUpdates.bind(ledger);
		let left = n;
		ledger.commitUpdates = (...args) =>
			left-- > 0 ? Promise.reject(new LedgerUnavailableError('test: the ledger is restarting')) : real(...args);
	}

	/** Rows of a table about one device's batch (each test has a device of its own). */
	const count = async (table: 'refused_updates' | 'reconciliation_items' | 'dose_events', d: MemoryDevice) =>
		(
			await server.ledger.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE batch_id = $1`, [
				d.batchFor()
			])
		).rows[0]!.n;

	/** Two doses of the device's batch as two updates, the second built on the first. */
	function twoDoses(d: MemoryDevice, first: Record<string, unknown> = {}) {
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		doc.getArray(BATCH_EVENTS).push([d.doseEvent(first, '0000000001')]);
		doc.getArray(BATCH_EVENTS).push([d.doseEvent({}, '0000000002')]);
		return { doc, first: updates[0]!, second: updates[1]! };
	}

	/** Sends an update signed by the device and returns the server's answer to it. */
	const send = (s: Session, d: MemoryDevice, update: Uint8Array) =>
		sendSigned(s, d.batchFor(), update, signUpdate(d, d.batchFor(), update));

	it('answers the update built on the unstored one as retryable, logs no refusal, and takes both when offered again', async () => {
		const d = await enrol();
		const s = await sessionOf(server.url, d);
		const batch = d.batchFor();
		const { doc, first, second } = twoDoses(d);

		failCommits(1);
		expect(await send(s, d, first)).toMatchObject({
			type: MSG_REFUSED,
			code: 'LEDGER_UNAVAILABLE',
			eventIds: []
		});
		// Sent before the device could have read that answer.
		expect(await send(s, d, second)).toMatchObject({
			type: MSG_REFUSED,
			code: 'LEDGER_UNAVAILABLE',
			eventIds: []
		});
		expect(await count('refused_updates', d)).toBe(0);
		expect(await count('reconciliation_items', d)).toBe(0);

		// The device offers the batch again: the server holds nothing of it, and takes the whole.
		s.send({ type: MSG_SYNC, doc: batch, kind: messageYjsSyncStep1, payload: Y.encodeStateVector(new Y.Doc()) });
		expect(await s.next((m) => m.type === MSG_RECEIPT)).toMatchObject({ eventCount: 0 });
		const whole = Y.encodeStateAsUpdate(doc);
		expect(await send(s, d, whole)).toMatchObject({
			type: MSG_RECEIPT,
			eventCount: 2
		});
		expect(await count('dose_events', d)).toBe(2);
		s.client.close();
	});

	it('does not log again an update sent behind one it refused and logged', async () => {
		const d = await enrol();
		const s = await sessionOf(server.url, d);
		const { first, second } = twoDoses(d, { siteCode: 'V999' });
		expect(await send(s, d, first)).toMatchObject({
			code: 'EVENT_NOT_OF_BATCH'
		});
		expect(await send(s, d, second)).toMatchObject({
			type: MSG_REFUSED,
			code: 'UPDATE_MISSING_BASE',
			eventIds: []
		});
		expect(await count('refused_updates', d)).toBe(1);
		s.client.close();
	});

	it('still refuses and logs an update whose base is missing for no reason of the server', async () => {
		const d = await enrol();
		const s = await sessionOf(server.url, d);
		const { second } = twoDoses(d);
		expect(await send(s, d, second)).toMatchObject({
			type: MSG_REFUSED,
			code: 'UPDATE_MISSING_BASE'
		});
		expect(await count('refused_updates', d)).toBe(1);
		s.client.close();
	});

	it('a station recording a burst while one commit fails keeps every dose, with nothing refused', async () => {
		const d = await enrol();
		d.start({ reportIntervalMs: 3_600_000 });
		await d.until(() => d.status.state === 'online' && d.lots !== null);
		d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 1);
		// Two: a failed group is committed again update by update, and the first of those fails too.
		failCommits(2);
		for (let i = 0; i < 8; i++) d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 9);
		expect(d.count('refused')).toBe(0);
		expect(d.stalls).toContain('LEDGER_UNAVAILABLE');
		expect(await count('refused_updates', d)).toBe(0);
		expect(await count('dose_events', d)).toBe(9);
	});

	it('a station whose update never reached the server offers the batch again at the refusal, not at its next dose', async () => {
		const d = await enrol();
		d.start({ reportIntervalMs: 3_600_000 });
		await d.until(() => d.status.state === 'online' && d.lots !== null);
		d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 1);
		d.framesToLose = 1;
		d.append(d.doseEvent()); // its one frame is lost
		d.append(d.doseEvent()); // built on it: refused UPDATE_MISSING_BASE
		await d.until(() => d.count('receipted') === 3);
		expect(d.count('refused')).toBe(0);
		expect(await count('dose_events', d)).toBe(3);
	});
});
