import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { issueEnrolmentCode } from '../helpers/server-process';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

let server: TestServer;
let proxy: TcpProxy;
beforeEach(async () => {
	// A one-second liveness interval (SYNC_PING_SECONDS), so a dead link shows within seconds.
	server = await startTestServer({ SYNC_PING_SECONDS: '1' });
	proxy = await startTcpProxy(server.port);
});
afterEach(async () => {
	await proxy.close();
	await server.dispose();
});

describe('liveness both ways (MSG_PING / MSG_PONG, WebSocket pings)', () => {
	it('a device whose link dies silently stops showing online, and syncs again once the link is back', async () => {
		const device = await MemoryDevice.enrol(await issueEnrolmentCode(proxy.url));
		device.start();
		await device.until(() => device.status.state === 'online');
		// Online for several intervals: the server answers every ping.
		const first = device.connections;
		// The Wi-Fi dies: no close, no reset, just nothing.
		proxy.blackhole();
		const ev = device.doseEvent();
		device.append(ev);
		await device.until(() => device.status.state !== 'online');
		expect(device.count('receipted')).toBe(0);
		proxy.setTarget(server.port);
		await device.until(() => device.count('receipted') === 1);
		expect(device.connections).toBeGreaterThan(first);
		device.stop();
	});

	it('the server cuts a connection that does not answer its pings', async () => {
		const url = `${server.url.replace(/^http/, 'ws')}/sync`;
		// A peer that never answers a ping frame (a dead link, as the server sees it).
		const ws = new WebSocket(url, { autoPong: false });
		let pings = 0;
		ws.on('ping', () => pings++);
		const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
		expect(await closed).toBe(1006);
		expect(pings).toBeGreaterThanOrEqual(1);
	});
});
