import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';

/** A raw TCP client of the server: what it was sent, when it closed, and what the server wrote. */
function rawClient(url: string) {
	const { hostname, port } = new URL(url);
	const socket: Socket = connect(Number(port), hostname);
	const received: Buffer[] = [];
	socket.on('data', (d: Buffer) => received.push(d));
	socket.on('error', () => undefined);
	const opened = performance.now();
	const closed = new Promise<{ afterMs: number; text: string }>((resolve) =>
		socket.on('close', () =>
			resolve({ afterMs: performance.now() - opened, text: Buffer.concat(received).toString('latin1') })
		)
	);
	return { socket, closed, ready: new Promise<void>((resolve) => socket.once('connect', () => resolve())) };
}

/** Writes one byte of `text` every `everyMs` until it is all sent or the socket is gone; returns a stop function. */
function drip(socket: Socket, text: string, everyMs: number): () => void {
	let i = 0;
	const timer = setInterval(() => {
		if (socket.destroyed || i >= text.length) return clearInterval(timer);
		socket.write(text[i++]!);
	}, everyMs);
	return () => clearInterval(timer);
}

/**
 * The HTTP server bounds how long a client may take to send a request: the headers
 * (HTTP_HEADERS_TIMEOUT_SECONDS), every request but the register upload
 * (HTTP_REQUEST_TIMEOUT_SECONDS) and the register upload (HTTP_UPLOAD_TIMEOUT_SECONDS). Set to
 * 1, 2 and 3 s here; every wait is on a socket's own 'close'. Meanwhile normal requests, a slow
 * but steady register upload and a device's sync WebSocket go on working.
 */
describe('HTTP time bounds', () => {
	let server: TestServer;
	let admin: OfficeClient;
	const host = () => new URL(server.url).host;
	beforeAll(async () => {
		server = await startTestServer({
			HTTP_HEADERS_TIMEOUT_SECONDS: '1',
			HTTP_REQUEST_TIMEOUT_SECONDS: '2',
			HTTP_UPLOAD_TIMEOUT_SECONDS: '3'
		});
		admin = await OfficeClient.login(server.url);
	});
	afterAll(async () => {
		await server.dispose();
	});

	it('cuts off slow headers within the bound, while a normal request still works', async () => {
		const slow = rawClient(server.url);
		await slow.ready;
		// Headers that never end: one byte every 100 ms, far from the end of the header block.
		const stop = drip(slow.socket, `GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nX-Padding: ${'a'.repeat(200)}`, 100);
		const normal = await fetch(`${server.url}/healthz`);
		expect(normal.status).toBe(200);
		const { afterMs, text } = await slow.closed;
		stop();
		// Node answers 408 where it can; whatever it writes, the socket is gone within the bound.
		expect(text === '' || text.startsWith('HTTP/1.1 408')).toBe(true);
		expect(afterMs).toBeGreaterThanOrEqual(900);
		expect(afterMs).toBeLessThan(2500);
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});

	it('cuts off a slow body at the request bound, but lets a slow register upload finish, and bounds it too', async () => {
		const session = admin.sessionHeaders();
		const csv = '券番号,市町村コード,接種可能回数\r\n0000000001,131016,1-3\r\n';
		// An ordinary API request whose body trickles in: cut at 2 s.
		const body = JSON.stringify({ product: 'comirnaty', lot: 'SLOW1', expiry: '2030-01-31', sites: ['V001'] });
		const slowBody = rawClient(server.url);
		// A register upload on a slow link: sent whole once the ordinary request has been cut.
		const upload = rawClient(server.url);
		// A register upload that never ends: cut at the upload bound, 3 s.
		const endless = rawClient(server.url);
		await Promise.all([slowBody.ready, upload.ready, endless.ready]);
		const head = (path: string, length: number, type: string, method = 'POST') =>
			`${method} ${path} HTTP/1.1\r\nHost: ${host()}\r\nCookie: ${session.cookie}\r\nX-CSRF-Token: ${session['x-csrf-token']}\r\nOrigin: ${server.url}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
		slowBody.socket.write(head('/api/office/lots', Buffer.byteLength(body), 'application/json', 'PUT'));
		const stopBody = drip(slowBody.socket, body, 100);
		upload.socket.write(head('/api/office/register/imports?name=slow.csv', Buffer.byteLength(csv), 'text/csv'));
		const stopUpload = drip(upload.socket, csv.slice(0, 10), 100);
		endless.socket.write(head('/api/office/register/imports?name=endless.csv', 10_000, 'text/csv'));
		const stopEndless = drip(endless.socket, 'x'.repeat(10_000), 100);

		const cut = await slowBody.closed;
		stopBody();
		expect(cut.afterMs).toBeGreaterThanOrEqual(1900);
		expect(cut.afterMs).toBeLessThan(3500);
		expect(cut.text).toBe('');

		// The upload has been going for as long: it is not bound by the request limit.
		stopUpload();
		expect(upload.socket.destroyed).toBe(false);
		upload.socket.write(csv.slice(10));
		const done = await upload.closed;
		expect(done.text).toMatch(/^HTTP\/1\.1 201/);

		const ended = await endless.closed;
		stopEndless();
		expect(ended.afterMs).toBeGreaterThanOrEqual(2900);
		expect(ended.afterMs).toBeLessThan(4500);
		expect(ended.text === '' || ended.text.startsWith('HTTP/1.1 408')).toBe(true);
	});

	it('leaves the sync WebSocket alone: a device stays on one connection past every bound', async () => {
		const d = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
		d.start();
		await d.until(() => d.status.state === 'online');
		// Outlive the longest bound (3 s), measured by a request that is cut at it.
		const endless = rawClient(server.url);
		await endless.ready;
		const session = admin.sessionHeaders();
		endless.socket.write(
			`POST /api/office/register/imports?name=x.csv HTTP/1.1\r\nHost: ${host()}\r\nCookie: ${session.cookie}\r\nX-CSRF-Token: ${session['x-csrf-token']}\r\nOrigin: ${server.url}\r\nContent-Length: 100\r\n\r\n`
		);
		const stop = drip(endless.socket, 'x'.repeat(100), 100);
		expect((await endless.closed).afterMs).toBeGreaterThanOrEqual(2900);
		stop();
		// Still the first connection, and it still carries a dose to its receipt.
		d.append(d.doseEvent());
		await d.until(() => d.count('receipted') === 1);
		expect(d.connections).toBe(1);
		d.stop();
	});
});
