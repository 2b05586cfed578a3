import { expect, test } from '@playwright/test';
import { formatJapanDateMinute, formatJapanTime } from '#shared/domain/japan-time';
import { issueEnrolmentCode } from '../helpers/server-process';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, scanTicket } from './station-steps';

const server = useServer();

// A tablet left on another zone (here Los Angeles, 17 hours behind Tokyo): the station still
// shows Japan time, as the venue, the paper forms and the ledger go by it.
test.use({ timezoneId: 'America/Los_Angeles' });

/** The Japan times of each minute from `from` to now: a save can straddle a minute. */
const minutesSince = (from: number, format: (ms: number) => string) => {
	const out = new Set<string>();
	for (let t = from - 60_000; t <= Date.now() + 60_000; t += 30_000) out.add(format(t));
	return [...out];
};

test('times on the station are Japan time whatever the tablet zone', async ({ page }) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	// The browser really is on another zone: its own clock reads differently from Japan's.
	expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/Los_Angeles');

	const start = Date.now();
	await scanTicket(page, '111310160000012345');
	await expect(page.getByTestId('confirm-time')).toHaveText(
		new RegExp(minutesSince(start, formatJapanDateMinute).join('|'))
	);
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);

	await expect(page.locator('.records li .when')).toHaveText(
		new RegExp(`^(${minutesSince(start, formatJapanTime).join('|')})$`)
	);
	await expect(page.getByTestId('sync-indicator')).toContainText(
		new RegExp(minutesSince(start, formatJapanTime).join('|'))
	);
});
