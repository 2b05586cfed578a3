import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, unlockStation } from './station-steps';

const server = useServer({ OFFLINE_SESSION_HOURS: '24' });

test('recording pauses after the configured hours (24 here) without reaching the server and resumes at the next contact', async ({
	page,
	context
}) => {
	await page.clock.install({ time: new Date('2026-11-20T00:00:00Z') });
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await expect(page.getByTestId('sync-indicator')).toContainText('オンライン');
	await context.setOffline(true);

	await page.clock.setSystemTime(new Date('2026-11-20T23:00:00Z')); // 23 hours: still fine
	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	await unlockStation(page);
	await expect(page.getByLabel('接種券番号（18桁）')).toBeVisible();

	await page.clock.setSystemTime(new Date('2026-11-21T01:00:00Z')); // 25 hours
	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	await unlockStation(page);
	// (The page's clock is days off the server's, so the clock warning is an alert too.)
	await expect(page.getByRole('alert').filter({ hasText: '記録を停止しています' })).toBeVisible();
	await expect(page.getByLabel('接種券番号（18桁）')).toHaveCount(0);

	await context.setOffline(false);
	await expect(page.getByLabel('接種券番号（18桁）')).toBeVisible();
});
