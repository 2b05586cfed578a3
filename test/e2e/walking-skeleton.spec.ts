import { expect, test } from '@playwright/test';
import { pgliteRows } from '../helpers/ledger-rows';
import { enrolStation, fillSession, typeTicket, unlockStation } from './station-steps';
import { issueEnrolmentCode } from '../helpers/server-process';
import { useServer } from './server-fixture';

// 18 digits: 券種 1, 回数 1 / 2, 市町村コード 131016 (千代田区), 券番号.
const FIRST = '1 1 131016 0000012345';
const SECOND = '１２１３１０１６０００００６７８９０'; // full-width digits

const server = useServer();

test('enrol, record online and offline, reload offline, sync both doses into the ledger', async ({ page, context }) => {
	const code = await issueEnrolmentCode(server.url);
	await page.goto(server.url);

	// Enrol with the one-time code the server issued.
	await enrolStation(page, code);
	await expect(page.getByText('会場1 受付A（V001）')).toBeVisible();
	await fillSession(page);
	await expect(page.getByTestId('sync-indicator')).toContainText('オンライン');
	// The service worker has the app cached before we go offline.
	await page.evaluate(async () => {
		const reg = await navigator.serviceWorker.ready;
		return reg.active?.state;
	});

	// Dose 1, online: typed, checked with shared/, confirmed in large grouped digits.
	// Typed by hand, so it must be typed twice.
	await typeTicket(page, FIRST);
	await expect(page.getByRole('status').filter({ hasText: 'もう一度入力' })).toBeVisible();
	await typeTicket(page, FIRST);
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*012\s*345/);
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByRole('status').filter({ hasText: '記録しました' })).toBeVisible();
	await expect(page.locator('.records li')).toHaveCount(1);
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);

	// Offline: the second dose is stored on the device only.
	await context.setOffline(true);
	await expect(page.getByTestId('sync-indicator')).toContainText('オフライン');
	// Full-width digits typed by hand (an IME in full-width mode): twice as well.
	await typeTicket(page, SECOND);
	await typeTicket(page, SECOND);
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*067\s*890/);
	await expect(page.getByText('2回目')).toBeVisible();
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li')).toHaveCount(2);
	await expect(page.locator('.records li[data-state="local"]')).toHaveCount(1);

	// Reload while offline: the service worker serves the app, locked; IndexedDB still has both.
	await page.reload();
	await unlockStation(page);
	await expect(page.getByRole('heading', { name: '本日の記録' })).toBeVisible();
	await expect(page.locator('.records li')).toHaveCount(2);
	await expect(page.getByTestId('sync-indicator')).toContainText('オフライン');
	await expect(page.getByTestId('sync-indicator')).toContainText('未受領 1 件');

	// Online again: both doses reach the server and come back receipted.
	await context.setOffline(false);
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(2);
	await expect(page.getByTestId('sync-indicator')).toContainText('すべてサーバーに保存済み');
	await expect(page.getByTestId('sync-indicator')).toContainText('最終受領');

	// The ledger on disk holds exactly the two doses, with their signed raw updates.
	await server.stop();
	const doses = await pgliteRows<{ ticket_number: string; dose_number: number; lot: string }>(
		server.dataDir,
		"SELECT ticket_number, dose_number, payload->'vaccine'->>'lot' AS lot FROM dose_events ORDER BY dose_number"
	);
	expect(doses).toEqual([
		{ ticket_number: '0000012345', dose_number: 1, lot: 'FK7789' },
		{ ticket_number: '0000067890', dose_number: 2, lot: 'FK7789' }
	]);
	const updates = await pgliteRows<{ n: number }>(
		server.dataDir,
		'SELECT count(*)::int AS n FROM sync_updates WHERE length(signature) = 64'
	);
	expect(updates[0]!.n).toBeGreaterThanOrEqual(2);
});
