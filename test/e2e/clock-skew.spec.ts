import { expect, test, type Page } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { useServer } from './server-fixture';
import { enrolStation } from './station-steps';

const server = useServer();

/** Enrols a station whose clock is `offsetMs` off the server's (the page's own clock, set by Playwright). */
async function stationWithClockOff(page: Page, offsetMs: number): Promise<void> {
	if (offsetMs !== 0) await page.clock.install({ time: new Date(Date.now() + offsetMs) });
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	// The welcome, which carries the server's time, has arrived.
	await expect(page.getByTestId('sync-indicator')).toContainText('オンライン');
}

test('a station whose clock runs 12 minutes ahead of the server warns, in Japanese, as an alert', async ({ page }) => {
	await stationWithClockOff(page, 12 * 60_000);
	const warning = page.getByTestId('clock-skew');
	await expect(warning).toHaveAttribute('role', 'alert');
	await expect(warning).toContainText('この端末の時計がサーバーと5分以上ずれています');
	await expect(warning).toContainText('約12分進んでいます');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(warning).toContainText(
		"This device's clock differs from the server's by more than 5 minutes (it is about 12 minutes ahead)"
	);
});

test('a station 8 minutes behind warns that it is behind', async ({ page }) => {
	await stationWithClockOff(page, -8 * 60_000);
	await expect(page.getByTestId('clock-skew')).toContainText('約8分遅れています');
});

test('no warning when the clocks agree, nor within five minutes', async ({ page, context }) => {
	await stationWithClockOff(page, 0);
	await expect(page.getByTestId('clock-skew')).toHaveCount(0);
	// Three minutes off: within the tolerance, on a second station of the same server.
	const other = await context.browser()!.newPage();
	await other.clock.install({ time: new Date(Date.now() + 3 * 60_000) });
	await other.goto(server.url);
	await enrolStation(other, await issueEnrolmentCode(server.url));
	await expect(other.getByTestId('sync-indicator')).toContainText('オンライン');
	await expect(other.getByTestId('clock-skew')).toHaveCount(0);
	await other.close();
});
