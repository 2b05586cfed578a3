import { expect, test } from '@playwright/test';
import { seederBundle } from '../bench/seed-bundle';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, PIN, scanTicket, STAFF, unlockStation } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

test("today's list renders a window of the newest rows; the rest are found by search, and a save adds its row", async ({
	page,
	context
}) => {
	test.setTimeout(180_000);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await context.setOffline(true);
	// 130 doses stored through the app's own storage code (tickets 5000000000 …).
	expect(
		await page.evaluate(
			`${await seederBundle()}; seedStation(${JSON.stringify(STAFF)}, ${JSON.stringify(PIN)}, 130, 0)`
		)
	).toBe(130);
	await page.reload();
	await unlockStation(page);

	await expect(page.getByText('計 130 件')).toBeVisible();
	await expect(page.locator('.records li')).toHaveCount(100);
	await expect(page.getByTestId('list-more')).toHaveText('ほか 30 件（券番号で検索できます）');
	// The oldest record is outside the window, and found by its number.
	await page.getByLabel('券番号で検索').fill('5000000000');
	await expect(page.locator('.records li')).toHaveCount(1);
	await expect(page.getByTestId('list-more')).toHaveCount(0);
	await page.getByLabel('券番号で検索').fill('');

	// A save: the list in memory gains its row, at the top, still 100 rendered.
	await scanTicket(page, '111310160900000001');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByText('計 131 件')).toBeVisible();
	await expect(page.locator('.records li').first()).toContainText('0900 000 001');
	await expect(page.locator('.records li')).toHaveCount(100);
	await expect(page.getByTestId('list-more')).toHaveText('ほか 31 件（券番号で検索できます）');
});
