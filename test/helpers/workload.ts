import type { SimulatedDevice } from './simulated-device';

/**
 * Each device records `doses` doses as a venue does while online: a few at a time, never more
 * than `inFlight` of its doses unreceipted, so the server sees many small updates and a fault
 * can strike between any two of them. Resolves when every dose of every device is receipted.
 * Devices must already be started; recording goes on while they are offline (as on a tablet).
 */
export async function recordWhileSyncing(
	devices: SimulatedDevice[],
	doses: number,
	random: () => number,
	inFlight = 4
): Promise<void> {
	await Promise.all(
		devices.map(async (d) => {
			let recorded = 0;
			while (recorded < doses) {
				const burst = Math.min(doses - recorded, 1 + Math.floor(random() * 3));
				for (let i = 0; i < burst; i++) d.append(d.doseEvent({}, String(++recorded).padStart(10, '0')));
				await d.until(() => d.count('receipted') >= recorded - inFlight);
			}
			await d.until(() => d.count('receipted') === doses);
		})
	);
}

/** Resolves once the devices together hold at least `n` receipted doses. */
export function receiptedAtLeast(devices: SimulatedDevice[], n: number): Promise<void> {
	const total = () => devices.reduce((sum, d) => sum + d.count('receipted'), 0);
	return Promise.race(devices.map((d) => d.until(() => total() >= n)));
}

/** Ids of the doses the devices hold in a state. */
export function eventIdsIn(devices: SimulatedDevice[], state: 'local' | 'sent' | 'receipted' | 'refused'): string[] {
	return devices.flatMap((d) => [...d.events.entries()].filter(([, e]) => e.state === state).map(([id]) => id));
}
