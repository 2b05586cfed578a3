import nacl from 'tweetnacl';
import * as Y from 'yjs';
import { messageYjsSyncStep1, messageYjsSyncStep2 } from 'y-protocols/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_EVENTS } from '#shared/index';
import { MSG_RECEIPT, MSG_REFUSED, MSG_SIGNED_SYNC, MSG_SYNC, type AppMessage } from '#shared/protocol/messages';
import { updateSigningBytes } from '#shared/protocol/signing';
import { sealFrame } from '#shared/protocol/frame';
import { CLOSE } from '#shared/sync/socket';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { BACKENDS } from '../helpers/postgres';
import { closeCodeOf, connectRaw } from '../helpers/raw-client';
import { issueEnrolmentCode } from '../helpers/server-process';

const MY_NUMBER = '123456789018'; // check digit 8 is valid

describe.each(BACKENDS)('sync over a real WebSocket into the %s ledger', (backend) => {
	let server: TestServer;
	const devices: MemoryDevice[] = [];

	beforeEach(async () => {
		server = await startBackendServer(backend);
	});
	afterEach(async () => {
		for (const d of devices.splice(0)) d.stop();
		await server.dispose();
	});

	async function device(siteCode = 'V001'): Promise<MemoryDevice> {
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode, label: siteCode })
		);
		devices.push(d);
		return d;
	}

	const doseRows = async () =>
		(
			await server.ledger.db.query<{ event_id: string; ticket_number: string }>(
				'SELECT event_id, ticket_number FROM dose_events ORDER BY ticket_number'
			)
		).rows;
	const updateCount = async () =>
		(await server.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_updates')).rows[0]!.n;

	it('syncs doses recorded offline, receipts them, and stores each exactly once', async () => {
		const d = await device();
		for (let i = 0; i < 5; i++) d.append(d.doseEvent());
		expect(d.count('local')).toBe(5);
		d.start();
		await d.until(() => d.count('receipted') === 5);
		expect((await doseRows()).map((r) => r.ticket_number)).toEqual([
			'0000000001',
			'0000000002',
			'0000000003',
			'0000000004',
			'0000000005'
		]);
		// Live updates after the connection is up are receipted too.
		d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 6);
		expect(await doseRows()).toHaveLength(6);
	});

	it('ignores a resent update: same rows, no second raw update', async () => {
		const d = await device();
		d.append(d.doseEvent());
		const raw = await connectRaw(server.url, d.identity);
		const batch = d.batchFor();
		const update = Y.encodeStateAsUpdate(d.docFor(batch));
		const signature = nacl.sign.detached(
			updateSigningBytes(batch, d.identity.deviceId, update),
			d.identity.keys.sign.secretKey
		);
		for (let i = 0; i < 3; i++)
			raw.channel.send({ type: MSG_SIGNED_SYNC, doc: batch, kind: messageYjsSyncStep2, payload: update, signature });
		// A SyncStep1 is answered only after every signed update before it: its answer means
		// all three were. Each is receipted, alone or with one receipt for those that committed
		// together (PROTOCOL.md §9.3); none is refused.
		raw.channel.send({
			type: MSG_SYNC,
			doc: batch,
			kind: messageYjsSyncStep1,
			payload: Y.encodeStateVector(d.docFor(batch))
		});
		await raw.next((m) => m.type === MSG_SYNC && m.kind === messageYjsSyncStep1);
		const answers = raw.messages.filter((m) => m.type === MSG_RECEIPT || m.type === MSG_REFUSED);
		expect(answers.length).toBeGreaterThanOrEqual(1);
		expect(answers.map((m) => m.type === MSG_RECEIPT && m.eventCount)).toEqual(answers.map(() => 1));
		expect(await doseRows()).toHaveLength(1);
		expect(await updateCount()).toBe(1);
		raw.ws.close();
	});

	it('resyncs after the device lost its receipt: nothing is stored twice', async () => {
		const d = await device();
		for (let i = 0; i < 3; i++) d.append(d.doseEvent());
		d.start();
		await d.until(() => d.count('receipted') === 3);
		d.stop();
		for (const e of d.events.values()) e.state = 'sent';
		d.start();
		await d.until(() => d.count('receipted') === 3);
		expect(await doseRows()).toHaveLength(3);
		expect(await updateCount()).toBe(1);
	});

	describe('refuses bad updates with a specific code and stores nothing', () => {
		async function sendSigned(
			d: MemoryDevice,
			batch: string,
			update: Uint8Array,
			signer = d.identity.keys.sign.secretKey
		): Promise<AppMessage> {
			const raw = await connectRaw(server.url, d.identity);
			const signature = nacl.sign.detached(updateSigningBytes(batch, d.identity.deviceId, update), signer);
			raw.channel.send({ type: MSG_SIGNED_SYNC, doc: batch, kind: messageYjsSyncStep2, payload: update, signature });
			const reply = await raw.next((m) => m.type === MSG_RECEIPT || m.type === MSG_REFUSED);
			raw.ws.close();
			return reply;
		}
		const refusalCode = (m: AppMessage) => (m.type === MSG_REFUSED ? m.code : `not refused: ${m.type}`);

		it('an update that deletes an event', async () => {
			const d = await device();
			d.append(d.doseEvent());
			d.start();
			await d.until(() => d.count('receipted') === 1);
			d.stop();
			const doc = d.docFor(d.batchFor());
			const before = Y.encodeStateVector(doc);
			doc.getArray(BATCH_EVENTS).delete(0, 1);
			expect(refusalCode(await sendSigned(d, d.batchFor(), Y.encodeStateAsUpdate(doc, before)))).toBe('UPDATE_DELETES');
			expect(await doseRows()).toHaveLength(1);
			expect(await updateCount()).toBe(1);
		});

		it("another device's batch", async () => {
			const a = await device();
			const b = await device();
			const foreign = b.batchFor();
			a.append(a.doseEvent({ batch: foreign, device: b.identity.deviceId }), foreign);
			expect(refusalCode(await sendSigned(a, foreign, Y.encodeStateAsUpdate(a.docFor(foreign))))).toBe(
				'NOT_YOUR_BATCH'
			);
			expect(await doseRows()).toHaveLength(0);
		});

		it('an event outside the schema', async () => {
			const d = await device();
			d.append({ ...d.doseEvent(), surname: '山田' });
			expect(refusalCode(await sendSigned(d, d.batchFor(), Y.encodeStateAsUpdate(d.docFor(d.batchFor()))))).toBe(
				'EVENT_SCHEMA'
			);
			expect(await doseRows()).toHaveLength(0);
		});

		it('a My Number in any field, and the log does not contain it', async () => {
			const d = await device();
			d.append({ ...d.doseEvent(), operator: MY_NUMBER });
			expect(refusalCode(await sendSigned(d, d.batchFor(), Y.encodeStateAsUpdate(d.docFor(d.batchFor()))))).toBe(
				'MY_NUMBER'
			);
			expect(await doseRows()).toHaveLength(0);
			expect(server.logs.join('\n')).not.toContain(MY_NUMBER);
			// The back office sees the refusal, without the content.
			const refused = (await server.ledger.db.query<Record<string, unknown>>('SELECT * FROM refused_updates')).rows;
			expect(refused).toMatchObject([{ device_id: d.identity.deviceId, code: 'MY_NUMBER' }]);
			expect(JSON.stringify(refused)).not.toContain(MY_NUMBER);
		});

		it('a signature by another key', async () => {
			const d = await device();
			d.append(d.doseEvent());
			const reply = await sendSigned(
				d,
				d.batchFor(),
				Y.encodeStateAsUpdate(d.docFor(d.batchFor())),
				nacl.sign.keyPair().secretKey
			);
			expect(refusalCode(reply)).toBe('BAD_SIGNATURE');
			expect(await updateCount()).toBe(0);
		});

		it('the device marks the refused event with its reason and the rest of its queue still flows', async () => {
			const d = await device();
			d.append(d.doseEvent({}, '0000000001'));
			d.start();
			await d.until(() => d.count('receipted') === 1);
			d.stop();
			// Offline: a bad event between good ones, all in the same batch document.
			const bad = { ...d.doseEvent({}, '0000000002'), extra: 1 };
			d.append(bad);
			d.append(d.doseEvent({}, '0000000003'));
			d.append(d.doseEvent({}, '0000000004'));
			d.start();
			await d.until(() => d.count('refused') === 1 && d.count('receipted') === 3);
			expect(d.events.get(bad.id)!.refusal).toBe('EVENT_SCHEMA');
			expect((await doseRows()).map((r) => r.ticket_number)).toEqual(['0000000001', '0000000003', '0000000004']);
			// Later doses keep flowing too.
			d.append(d.doseEvent({}, '0000000005'));
			await d.until(() => d.count('receipted') === 4);
			expect(await doseRows()).toHaveLength(4);
		});
	});

	describe('closes connections that break the protocol', () => {
		it('garbage bytes, a replayed frame, an oversized frame', async () => {
			const d = await device();
			const garbage = await connectRaw(server.url, d.identity);
			garbage.ws.send(Uint8Array.of(1, ...nacl.randomBytes(80)));
			expect((await garbage.closed).code).toBe(CLOSE.FRAME_DECRYPT);

			// Capture a real sealed frame, then send it twice on the same connection.
			const replay = await connectRaw(server.url, d.identity);
			const sent: Uint8Array[] = [];
			const original = replay.ws.send.bind(replay.ws);
			(replay.ws as unknown as { send: (b: Uint8Array) => void }).send = (b: Uint8Array) => {
				sent.push(b);
				original(b);
			};
			d.append(d.doseEvent());
			const batch = d.batchFor();
			const update = Y.encodeStateAsUpdate(d.docFor(batch));
			const signature = nacl.sign.detached(
				updateSigningBytes(batch, d.identity.deviceId, update),
				d.identity.keys.sign.secretKey
			);
			replay.channel.send({ type: MSG_SIGNED_SYNC, doc: batch, kind: messageYjsSyncStep2, payload: update, signature });
			await replay.next((m) => m.type === MSG_RECEIPT);
			original(sent[0]!);
			expect((await replay.closed).code).toBe(CLOSE.FRAME_REPLAY);

			const big = await connectRaw(server.url, d.identity);
			big.ws.send(sealFrame(new Uint8Array(32), new Uint8Array(1024 * 1024 + 1)));
			expect((await big.closed).code).toBe(CLOSE.FRAME_TOO_LARGE);
			expect(await doseRows()).toHaveLength(1);
		});

		it('an unknown device and a device with other keys', async () => {
			const d = await device();
			expect(await closeCodeOf(server.url, { ...d.identity, deviceId: '01900000-0000-7000-8000-000000000000' })).toBe(
				CLOSE.UNKNOWN_DEVICE
			);
			const impostor = { ...d.identity, keys: { ...d.identity.keys, sign: nacl.sign.keyPair() } };
			expect(await closeCodeOf(server.url, impostor)).toBe(CLOSE.HANDSHAKE_FAILED);
		});
	});
});
