/**
 * One station per browser profile: the station holds a Web Lock for the life of its tab, so a
 * second tab of the same profile (same IndexedDB) does not run a second sync engine and outbox on
 * the same records. The second tab waits; when the first closes, it gets the lock and goes on.
 */
const STATION_LOCK = 'vaccination-station';

/**
 * Resolves true once this tab holds the station's lock. `onWaiting` is called first when another
 * tab holds it (this tab then waits for it to be released). Without Web Locks (an old browser)
 * the tab goes on at once.
 */
export async function holdStationLock(onWaiting: () => void): Promise<void> {
	const locks = navigator.locks;
	if (!locks) return;
	// Held until the tab closes: the callback's promise never settles.
	const forever = () => new Promise<never>(() => undefined);
	const got = await new Promise<boolean>((resolve) => {
		void locks.request(STATION_LOCK, { ifAvailable: true }, (lock) => {
			resolve(lock !== null);
			return lock ? forever() : undefined;
		});
	});
	if (got) return;
	onWaiting();
	await new Promise<void>((resolve) => {
		void locks.request(STATION_LOCK, () => {
			resolve();
			return forever();
		});
	});
}
