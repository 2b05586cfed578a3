/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): a uniformly random delay up to the exponential ceiling, so a room full of tablets
 * that lost the network together does not reconnect together.
 */
export function backoffDelay(
	attempt: number,
	random: () => number = Math.random,
	baseMs = 500,
	capMs = 30_000
): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
	return Math.floor(random() * ceiling);
}
