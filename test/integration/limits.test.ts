import { connect } from 'node:net';
import nacl from 'tweetnacl';
import { afterEach, describe, expect, it } from 'vitest';
import { sealFrame } from '../../shared/protocol/frame';
import { MSG_WELCOME } from '../../shared/protocol/messages';
import { CLOSE } from '../../shared/sync/socket';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { closeCodeOf, connectRaw } from '../helpers/raw-client';
import { issueEnrolmentCode } from '../helpers/server-process';

describe('connection limits', () => {
	let server: TestServer;
	afterEach(async () => {
		await server.dispose();
	});

	it('limits the rate of new handshakes per address', async () => {
		server = await startTestServer({ HANDSHAKE_BURST: '2', HANDSHAKES_PER_SECOND: '1' });
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url));
		const codes = [];
		for (let i = 0; i < 3; i++) codes.push(await closeCodeOf(server.url, d.identity));
		expect(codes).toEqual([1000, 1000, CLOSE.RATE_LIMITED]);
	});

	it('limits the bytes one connection may send', async () => {
		server = await startTestServer({ CONNECTION_BYTE_BURST: String(64 * 1024), CONNECTION_BYTES_PER_SECOND: '1024' });
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url));
		const raw = await connectRaw(server.url, d.identity);
		// Checked before the frame is even opened: its content does not matter.
		raw.ws.send(sealFrame(nacl.randomBytes(32), new Uint8Array(100 * 1024)));
		expect((await raw.closed).code).toBe(CLOSE.RATE_LIMITED);
	});

	it('closes a connection that sends what only a server sends', async () => {
		server = await startTestServer();
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url));
		const raw = await connectRaw(server.url, d.identity);
		raw.channel.send({ type: MSG_WELCOME, serverTime: '', deviceStatus: 'active', policy: { idleLockMinutes: 5, offlineSessionHours: 72, retentionDays: 0 } });
		expect((await raw.closed).code).toBe(CLOSE.PROTOCOL);
	});

	it('survives a hostile request target on the WebSocket upgrade', async () => {
		server = await startTestServer();
		const port = new URL(server.url).port;
		await new Promise<void>((resolve, reject) => {
			const socket = connect(Number(port), '127.0.0.1', () =>
				socket.write('GET // HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
			);
			socket.on('close', () => resolve());
			socket.on('error', reject);
		});
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});
});
