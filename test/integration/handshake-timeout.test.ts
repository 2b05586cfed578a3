import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { issueEnrolmentCode } from '../helpers/server-process';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

let server: TestServer;
let proxy: TcpProxy;
beforeEach(async () => {
	server = await startTestServer();
	proxy = await startTcpProxy(server.port);
});
afterEach(async () => {
	await proxy.close();
	await server.dispose();
});

describe('a server that accepts the connection and never answers', () => {
	it('does not keep the device waiting: it gives up on the handshake, retries, and syncs once the server answers', async () => {
		// Enrolled through the proxy, so the device's server URL is the proxy's.
		const device = await MemoryDevice.enrol(await issueEnrolmentCode(proxy.url));
		const ev = device.doseEvent();
		device.append(ev);
		const states: string[] = [];
		proxy.hold();
		device.start({ handshakeTimeoutMs: 300 });
		await device.until(() => (states.push(device.status.state), device.status.state === 'offline'));
		expect(states).toContain('connecting');
		// The balancer's backend is back: the next attempt gets through.
		proxy.setTarget(server.port);
		await device.until(() => device.count('receipted') === 1);
		device.stop();
		expect(device.events.get(ev.id)!.state).toBe('receipted');
	});
});
