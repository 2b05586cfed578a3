import { startTestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { NODE_DEVICE_CRYPTO } from '../helpers/node-device-crypto';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { percentile } from '../load/stats';
import { siteCodes } from '../tools/simulate';

type Print = (name: string, value: number, unit: string) => void;

const DEVICES = 500;

/**
 * Reconnect storm: 500 devices that are all up to date (their doses receipted) reconnect at
 * once, as after a server restart or the venue's network coming back; the clock stops when
 * every one is online with nothing pending. All connect from 127.0.0.1, so the per-address
 * handshake limit is raised: here it would measure the devices' backoff, not the server.
 * The devices' handshake crypto is node:crypto's (same bytes as the station's tweetnacl).
 */
export async function benchReconnectStorm(print: Print): Promise<void> {
	const server = await startTestServer({
		LOG_LEVEL: 'warn',
		HANDSHAKE_BURST: '100000',
		HANDSHAKES_PER_SECOND: '100000'
	});
	const devices: MemoryDevice[] = [];
	try {
		const admin = await OfficeClient.login(server.url);
		// Enrolled a few at a time (the setup is not measured). No dose is recorded: a device
		// whose doses are all receipted reconnects exactly like one that has none (it announces
		// only batches with something unreceipted), and syncing 500 first would double the run.
		const sites = siteCodes('R', 50);
		const enrol = async (i: number) =>
			MemoryDevice.enrol(
				await issueEnrolmentCode(
					server.url,
					{ setting: 'mass', siteCode: sites[i % sites.length]!, label: `storm ${i}` },
					admin
				)
			);
		for (let i = 0; i < DEVICES; i += 10)
			devices.push(...(await Promise.all(Array.from({ length: Math.min(10, DEVICES - i) }, (_, k) => enrol(i + k)))));

		const caughtUp = (d: MemoryDevice) => d.status.state === 'online' && d.count('local') + d.count('sent') === 0;
		const perDevice: number[] = [];
		const start = performance.now();
		// node:crypto on the simulated devices: the figure measures the server, not tweetnacl.
		for (const d of devices) d.start({ crypto: NODE_DEVICE_CRYPTO });
		await Promise.all(
			devices.map((d) => d.until(() => caughtUp(d)).then(() => perDevice.push(performance.now() - start)))
		);
		print(`reconnect_storm_${DEVICES}_devices_all_caught_up`, (performance.now() - start) / 1000, 's');
		print(`reconnect_storm_${DEVICES}_devices_p99_device`, percentile(perDevice, 99) / 1000, 's');
	} finally {
		for (const d of devices) d.stop();
		await server.dispose();
	}
}
