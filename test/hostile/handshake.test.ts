import nacl from 'tweetnacl';
import { messageYjsSyncStep1 } from 'y-protocols/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handshakeFrame } from '#shared/protocol/frame';
import { deviceProofBytes, encodeAuth } from '#shared/protocol/handshake';
import { MSG_SYNC, MSG_WELCOME } from '#shared/protocol/messages';
import { CLOSE } from '#shared/sync/socket';
import type { MemoryDevice } from '../helpers/memory-device';
import { closeCodeOf } from '../helpers/raw-client';
import { startHostileServer, type Counts, type Hostile } from './harness';
import { HostileClient } from './hostile-client';

const MY_NUMBER = '123456789018';

describe('handshake: unknown ids, wrong keys, replays, slow peers, revoked devices', () => {
	let h: Hostile;
	let d: MemoryDevice;
	let base: Counts;
	beforeAll(async () => {
		h = await startHostileServer({ HANDSHAKE_BURST: '10000', HANDSHAKES_PER_SECOND: '10000' });
	});
	beforeEach(async () => {
		d = await h.device();
		base = await h.counts();
	});
	afterEach(async () => {
		expect(await h.counts()).toEqual(base);
		await h.expectServing();
	});
	afterAll(async () => {
		await h.dispose();
	});

	const helloCloseCode = async (deviceId: string) => {
		const c = await HostileClient.open(h.url);
		expect(await c.hello(deviceId)).toBeNull();
		return (await c.closed).code;
	};

	it('unknown and malformed device ids get UNKNOWN_DEVICE, and an id is never logged', async () => {
		for (const id of [
			'01900000-0000-7000-8000-000000000000',
			'',
			'../../../etc/passwd',
			"'; DROP TABLE devices; --",
			'x'.repeat(64),
			MY_NUMBER
		]) {
			expect(await helloCloseCode(id), JSON.stringify(id)).toBe(CLOSE.UNKNOWN_DEVICE);
		}
		expect(h.server.logs.join('\n')).not.toContain(MY_NUMBER);
	});

	it('a device proof by another signing key gets HANDSHAKE_FAILED', async () => {
		expect(await closeCodeOf(h.url, { ...d.identity, keys: { ...d.identity.keys, sign: nacl.sign.keyPair() } })).toBe(
			CLOSE.HANDSHAKE_FAILED
		);
	});

	it('another box key derives other frame keys: the first sealed frame gets FRAME_DECRYPT', async () => {
		const c = await HostileClient.open(h.url);
		const s = await c.handshake({ ...d.identity, keys: { ...d.identity.keys, box: nacl.box.keyPair() } });
		s!.send({ type: MSG_SYNC, doc: d.batchFor(), kind: messageYjsSyncStep1, payload: Uint8Array.of(0) });
		expect((await c.closed).code).toBe(CLOSE.FRAME_DECRYPT);
	});

	it('an ephemeral key of small order, with a valid proof, gets HANDSHAKE_FAILED (no shared secret to derive)', async () => {
		for (const low of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
			const c = await HostileClient.open(h.url);
			const hello = await c.hello(d.identity.deviceId, { publicKey: low, secretKey: new Uint8Array(32) });
			expect(hello).not.toBeNull();
			const transcript = {
				deviceId: d.identity.deviceId,
				deviceEphemeral: low,
				serverEphemeral: hello!.challenge.ephemeral,
				challenge: hello!.challenge.challenge
			};
			c.send(
				handshakeFrame(encodeAuth(nacl.sign.detached(deviceProofBytes(transcript), d.identity.keys.sign.secretKey)))
			);
			expect((await c.closed).code).toBe(CLOSE.HANDSHAKE_FAILED);
		}
	});

	it('an AUTH replayed from an earlier session gets HANDSHAKE_FAILED (the challenge differs)', async () => {
		const first = await HostileClient.open(h.url);
		const session = await first.handshake(d.identity);
		expect((await session!.next())?.type).toBe(MSG_WELCOME);
		first.close();
		const second = await HostileClient.open(h.url);
		expect(await second.hello(d.identity.deviceId)).not.toBeNull();
		second.send(handshakeFrame(session!.auth));
		expect((await second.closed).code).toBe(CLOSE.HANDSHAKE_FAILED);
	});

	it('handshake messages out of turn get HANDSHAKE_FAILED', async () => {
		const authFirst = await HostileClient.open(h.url);
		authFirst.send(handshakeFrame(encodeAuth(new Uint8Array(64))));
		expect((await authFirst.closed).code).toBe(CLOSE.HANDSHAKE_FAILED);
		const helloTwice = await HostileClient.open(h.url);
		expect(await helloTwice.hello(d.identity.deviceId)).not.toBeNull();
		helloTwice.send(handshakeFrame(Uint8Array.of(1)));
		expect((await helloTwice.closed).code).toBe(CLOSE.HANDSHAKE_FAILED);
	});

	it('a peer that opens a socket and never finishes the handshake is closed (HANDSHAKE_TIMEOUT)', async () => {
		const silent = await HostileClient.open(h.url);
		const halfway = await HostileClient.open(h.url);
		expect(await halfway.hello(d.identity.deviceId)).not.toBeNull();
		// The server's own handshake timeout (10 s) ends both; the test waits for the close.
		expect([(await silent.closed).code, (await halfway.closed).code]).toEqual([
			CLOSE.HANDSHAKE_TIMEOUT,
			CLOSE.HANDSHAKE_TIMEOUT
		]);
	});

	it('a revoked device is refused before, during and after its handshake, and stores nothing', async () => {
		const revoke = async (id: string) =>
			expect((await (await h.admin()).request(`/api/admin/devices/${id}/revoke`, { method: 'POST' })).status).toBe(200);
		// Connected: cut off at once.
		const live = await HostileClient.open(h.url);
		const session = await live.handshake(d.identity);
		expect((await session!.next())?.type).toBe(MSG_WELCOME);
		await revoke(d.identity.deviceId);
		expect((await live.closed).code).toBe(CLOSE.DEVICE_REVOKED);
		// Between HELLO and AUTH: refused once it has proved its key.
		const other = await h.device();
		base = await h.counts();
		const midway = await HostileClient.open(h.url);
		await midway.handshake(other.identity, () => revoke(other.identity.deviceId));
		expect((await midway.closed).code).toBe(CLOSE.DEVICE_REVOKED);
		// Afterwards: refused at HELLO, and its doses never reach the ledger.
		expect(await helloCloseCode(d.identity.deviceId)).toBe(CLOSE.DEVICE_REVOKED);
		d.append(d.doseEvent());
		d.start();
		await d.until(() => d.status.state === 'stopped');
		expect(d.status).toMatchObject({ code: CLOSE.DEVICE_REVOKED });
	});
});

describe('connection limits', () => {
	let h: Hostile | undefined;
	afterEach(async () => {
		await h!.expectServing();
		await h!.dispose();
	});

	it('limits the rate of new handshakes per address (RATE_LIMITED)', async () => {
		h = await startHostileServer({ HANDSHAKE_BURST: '2', HANDSHAKES_PER_SECOND: '1' });
		const d = await h.device();
		const codes = [];
		for (let i = 0; i < 3; i++) codes.push(await closeCodeOf(h.url, d.identity));
		expect(codes).toEqual([1000, 1000, CLOSE.RATE_LIMITED]);
		// The well-behaved device afterwards backs off on RATE_LIMITED and gets through.
	});
});
