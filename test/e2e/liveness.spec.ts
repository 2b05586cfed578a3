import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

// A one-second liveness interval, so a dead link shows within seconds.
const server = useServer({ SYNC_PING_SECONDS: '1' });

test('a link that dies without closing stops showing オンライン; the dose saved meanwhile is receipted once it is back', async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	const indicator = page.getByTestId('sync-indicator');
	await expect(indicator).toHaveClass(/\bonline\b/);
	// The server stops answering: the socket stays open, nothing comes back (as on dead Wi-Fi;
	// the browser's own offline event never fires).
	server.child.kill('SIGSTOP');
	try {
		await scanTicket(page, '111310160000012345');
		await page.getByRole('button', { name: '記録する' }).click();
		await expect(page.getByTestId('saved')).toContainText('記録しました');
		await expect(indicator).not.toHaveClass(/\bonline\b/);
		await expect(indicator).not.toContainText('オンライン');
	} finally {
		server.child.kill('SIGCONT');
	}
	await expect(indicator).toContainText('すべてサーバーに保存済み', { timeout: 60_000 });
	await expect(indicator).toHaveClass(/\bonline\b/);
});
