import { generateKeyPairs } from '#shared/protocol/keys';
import { newId } from '#shared/ids';
import type { DoseEvent } from '#shared/index';
import { MemoryDevice } from '../helpers/memory-device';
import { deviceStoreContract, type HeldEvent } from './device-store.contract';

/** The store the integration, load and faults suites and the simulator drive: MemoryDevice. */
deviceStoreContract(
	'MemoryDevice',
	async () => {
		const server = generateKeyPairs();
		const device = MemoryDevice.withIdentity(
			{
				deviceId: newId(),
				keys: generateKeyPairs(),
				serverKeys: { box: server.box.publicKey, sign: server.sign.publicKey },
				siteCode: 'V001',
				municipality: '131016'
			},
			'http://127.0.0.1:1'
		);
		return {
			deviceId: device.identity.deviceId,
			store: device,
			append: async (event: DoseEvent) => device.append(event),
			held: async () =>
				new Map(
					[...device.events].map(([id, h]): [string, HeldEvent] => [
						id,
						{
							state: h.state,
							event: h.event,
							...(h.refusal ? { refusal: { code: h.refusal, message: h.refusalMessage ?? '' } } : {})
						}
					])
				),
			close: () => device.stop()
		};
	},
	{ persistence: false, purge: false }
);
