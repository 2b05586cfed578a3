import { parseIsoTimestamp } from '../domain/dates';

/**
 * How far a device's clock may differ from the server's before the station warns. Records
 * carry the device's time (recordedAt, givenAt) and its date picks the batch's service day: a
 * clock minutes off misdates doses near midnight and puts wrong times in the ledger; the
 * server checks givenAt against recordedAt with the same five minutes' tolerance.
 */
export const CLOCK_SKEW_WARN_MS = 5 * 60_000;

/**
 * The device clock's offset from the server's, in ms (positive: the device is ahead), from the
 * server time of the welcome and the device's time when it arrived; null when the server sent
 * no readable time (an older or broken server: nothing to compare). The welcome was stamped
 * just before it was sent, so the estimate is short by the one-way network delay, seconds at
 * worst: far below the warning's five minutes.
 */
export function clockSkewMs(serverTime: string, deviceNowMs: number): number | null {
	const server = parseIsoTimestamp(serverTime);
	if (server === null || !Number.isFinite(deviceNowMs)) return null;
	return deviceNowMs - server;
}

/** True when the offset is beyond the warning's limit, either way. */
export function isClockSkewed(skewMs: number | null, limitMs = CLOCK_SKEW_WARN_MS): boolean {
	return skewMs !== null && Math.abs(skewMs) > limitMs;
}
