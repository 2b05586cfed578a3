import nacl from 'tweetnacl';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sealFrame } from '#shared/protocol/frame';
import {
	MSG_CATALOG,
	MSG_ERROR,
	MSG_LOTS,
	MSG_RECEIPT,
	MSG_REFUSED,
	MSG_SERVER_KEYS,
	MSG_SERVER_KEYS_ACK,
	MSG_SYNC,
	MSG_VENUE,
	MSG_WELCOME,
	type AppMessage
} from '#shared/protocol/messages';
import { CLOSE } from '#shared/sync/socket';
import { MAX_FRAMES_IN_FLIGHT } from '../../sync-server/transport/connection';
import { connectRaw } from '../helpers/raw-client';
import { startHostileServer, type Counts, type Hostile } from './harness';
import { sessionOf } from './signed-session';

describe('protocol violations and floods on an authenticated connection', () => {
	let h: Hostile;
	let base: Counts;
	beforeAll(async () => {
		h = await startHostileServer({ HANDSHAKE_BURST: '1000' });
	});
	beforeEach(async () => {
		base = await h.counts();
	});
	afterEach(async () => {
		expect(await h.counts()).toEqual(base);
		await h.expectServing();
	});
	afterAll(async () => {
		await h.dispose();
	});

	it('messages only a server sends, and unsigned document changes, close with PROTOCOL', async () => {
		const d = await h.device();
		const sv = Uint8Array.of(0);
		const messages: AppMessage[] = [
			{
				type: MSG_WELCOME,
				serverTime: '',
				deviceStatus: 'active',
				policy: { idleLockMinutes: 5, offlineSessionHours: 72, retentionDays: 0, pinMinLength: 6 }
			},
			{ type: MSG_RECEIPT, doc: d.batchFor(), stateVector: sv, eventCount: 1, signature: new Uint8Array(64) },
			{ type: MSG_REFUSED, doc: d.batchFor(), code: 'X', message: '', eventIds: [], stateVector: sv },
			{ type: MSG_ERROR, code: 'X', message: '' },
			{ type: MSG_LOTS, lots: [] },
			{ type: MSG_CATALOG, version: 1, catalog: {} },
			{
				type: MSG_SERVER_KEYS,
				chain: [{ generation: 2, box: new Uint8Array(32), sign: new Uint8Array(32), signature: new Uint8Array(64) }]
			},
			// An acknowledgement of keys the server never offered: a device cannot move itself to a generation.
			{ type: MSG_SERVER_KEYS_ACK, generation: 2 },
			{ type: MSG_SYNC, doc: d.batchFor(), kind: messageYjsUpdate, payload: Uint8Array.of(0, 0) },
			{ type: MSG_SYNC, doc: d.batchFor(), kind: messageYjsSyncStep2, payload: Uint8Array.of(0, 0) }
		];
		for (const m of messages) {
			const s = await sessionOf(h.url, d);
			s.send(m);
			expect([m.type, (await s.client.closed).code]).toEqual([m.type, CLOSE.PROTOCOL]);
		}
	});

	it('floods of sync and venue requests close with RATE_LIMITED; a bad service day with FRAME_MALFORMED', async () => {
		const d = await h.device();
		const sync = await sessionOf(h.url, d);
		// Far beyond the burst a real device needs (one SyncStep1 per batch and reconnect): the
		// limit on frames in flight trips whatever the server's speed, the request rate on a fast one.
		for (let i = 0; i < MAX_FRAMES_IN_FLIGHT + 100; i++)
			sync.send({ type: MSG_SYNC, doc: d.batchFor(), kind: messageYjsSyncStep1, payload: Uint8Array.of(0) });
		expect((await sync.client.closed).code).toBe(CLOSE.RATE_LIMITED);
		const venue = await sessionOf(h.url, d);
		for (let i = 0; i < 10; i++) venue.send({ type: MSG_VENUE, serviceDay: '2026-11-22' });
		expect((await venue.client.closed).code).toBe(CLOSE.RATE_LIMITED);
		const day = await sessionOf(h.url, d);
		day.send({ type: MSG_VENUE, serviceDay: "2026-11-22' OR 1=1" });
		expect((await day.client.closed).code).toBe(CLOSE.FRAME_MALFORMED);
	});
});

describe('per-connection byte budget', () => {
	let h: Hostile;
	afterAll(async () => {
		expect(await h.counts()).toEqual({ updates: 0, events: 0 });
		await h.expectServing();
		await h.dispose();
	});

	it('limits the bytes one connection may send (RATE_LIMITED)', async () => {
		h = await startHostileServer({ CONNECTION_BYTE_BURST: String(64 * 1024), CONNECTION_BYTES_PER_SECOND: '1024' });
		const d = await h.device();
		const raw = await connectRaw(h.url, d.identity);
		// Checked before the frame is even opened: its content does not matter.
		raw.ws.send(sealFrame(nacl.randomBytes(32), new Uint8Array(100 * 1024)));
		expect((await raw.closed).code).toBe(CLOSE.RATE_LIMITED);
	});
});
