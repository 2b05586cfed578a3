import { expect, test } from '@playwright/test';
import type { BatchSummary, Item } from '#shared/office/reconciliation-api';
import { pgliteRows } from '../helpers/ledger-rows';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();
const DAY_MS = 86_400_000;
/** Today in Japan, as the station names its batch. */
const jstDay = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);

test('a refused record is shown with its reason in Japanese and recorded again from the station', async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url, undefined, admin));
	await fillSession(page);

	// The tablet's clock runs two days ahead (within the offline limit): its dose lands in a batch of a day to come, which
	// the server refuses (SERVICE_DAY_FUTURE).
	await page.clock.setFixedTime(new Date(Date.now() + 2 * DAY_MS));
	await scanTicket(page, '111310160000000001');
	await page.getByRole('button', { name: '記録する' }).click();
	const refused = page.getByTestId('refused-records');
	await expect(refused).toContainText('受付拒否された記録（1）');
	const item = refused.getByTestId('refused-record');
	await expect(item).toContainText('0000 000 001');
	await expect(item).toContainText('1回目');
	await expect(item).toContainText('ロット FK7789');
	await expect(item).toContainText(
		'サーバーが受付を拒否しました：実施日が未来の日付です。端末の日付・時計の誤りの可能性があります。'
	);
	// The header never says "all stored on the server" while this device holds the only copy.
	await expect(page.getByTestId('sync-refused')).toHaveText('受付拒否 1 件（この端末だけに保存）');
	await expect(page.getByTestId('sync-indicator')).not.toContainText('すべてサーバーに保存済み');

	// The clock put right, the dose is recorded again from the refused record, the same day.
	await page.clock.setFixedTime(new Date());
	await item.getByRole('button', { name: 'もう一度記録する' }).click();
	// Straight to the confirmation of that ticket; the refused record does not warn as recorded.
	await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*000\s*001/);
	await expect(page.getByTestId('warnings')).toHaveCount(0);
	await page.getByRole('button', { name: '記録する', exact: true }).click();
	await expect(item).toContainText('記録し直しました');
	await expect(item.getByRole('button', { name: 'もう一度記録する' })).toHaveCount(0);
	await expect(page.getByTestId('sync-indicator')).toContainText('すべてサーバーに保存済み');

	// The ledger has the dose in today's batch; the office has the refused record in its queue.
	const deviceId = (await admin.json<{ devices: { id: string }[] }>('GET', '/api/admin/devices')).devices[0]!.id;
	const today = `${deviceId}/V001/${jstDay(Date.now())}`;
	await expect
		.poll(async () => (await admin.json<{ batch: BatchSummary }>('GET', `/api/office/batches/${today}`)).batch.doses)
		.toBe(1);
	const items = (await admin.json<{ items: Item[] }>('GET', '/api/office/reconciliation/items?reason=refused-update'))
		.items;
	expect(items).toMatchObject([
		{
			status: 'open',
			ticketNumber: '0000000001',
			doseNumber: 1,
			details: { code: 'SERVICE_DAY_FUTURE', lot: 'FK7789' }
		}
	]);
});

test('a day closed by mistake is reopened on the station with a reason, and recording goes on', async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url, undefined, admin));
	await fillSession(page);
	await scanTicket(page, '111310160000000011');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li')).toHaveCount(1);

	// The close: its own screen, the counts, a confirmation.
	await page.getByRole('button', { name: '本日の締め', exact: true }).click();
	await expect(page.getByTestId('close-counts')).toContainText(/接種済\s*1 件/);
	await page.getByLabel('予診票の枚数').fill('1');
	await page.getByRole('button', { name: '確認へ進む' }).click();
	await page.getByRole('button', { name: '締める', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: '締め済み' }).first()).toContainText('予診票 1 枚');
	await page.getByRole('button', { name: '記録に戻る' }).click();
	await expect(page.getByLabel('接種券番号（18桁）')).toHaveCount(0);

	// Another person arrives: the close was a mistake. Reopen, with the reason.
	await page.getByRole('button', { name: '締めを取り消して記録を再開する' }).click();
	await page.getByRole('button', { name: '記録を再開する' }).click();
	await expect(page.getByRole('alert')).toHaveText('再開する理由を入力してください。');
	await page.getByLabel('再開する理由').fill('締めた後に接種希望者が来場');
	await page.getByRole('button', { name: '記録を再開する' }).click();
	await scanTicket(page, '111310160000000012');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li')).toHaveCount(2);

	// Closed again: this close's tally is the one that counts.
	await page.getByRole('button', { name: '本日の締め', exact: true }).click();
	await expect(page.getByTestId('close-counts')).toContainText(/接種済\s*2 件/);
	await page.getByLabel('予診票の枚数').fill('2');
	await page.getByRole('button', { name: '確認へ進む' }).click();
	await page.getByRole('button', { name: '締める', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: '締め済み' }).first()).toContainText('予診票 2 枚');
	await expect(page.getByTestId('sync-indicator')).toContainText('すべてサーバーに保存済み');

	const deviceId = (await admin.json<{ devices: { id: string }[] }>('GET', '/api/admin/devices')).devices[0]!.id;
	const batch = `${deviceId}/V001/${jstDay(Date.now())}`;
	await expect
		.poll(async () => (await admin.json<{ batch: BatchSummary }>('GET', `/api/office/batches/${batch}`)).batch)
		.toMatchObject({ state: 'received', paperTally: 2, doses: 2 });
	// The first close's tally (1) against two records would be a mismatch: the last close's counts.
	expect(
		(
			await admin.json<{ items: Item[] }>(
				'GET',
				`/api/office/reconciliation/items?reason=tally-mismatch&batch=${encodeURIComponent(batch)}`
			)
		).items
	).toEqual([]);
	// The ledger shows the close, the reopen with its reason, and the second close.
	await server.stop();
	const events = await pgliteRows<{ type: string; reason: string | null; tally: number | null }>(
		server.dataDir,
		"SELECT type, payload->>'reason' AS reason, (payload->>'paperTally')::int AS tally FROM dose_events WHERE type IN ('batch-close', 'batch-reopen') ORDER BY recorded_at"
	);
	expect(events).toEqual([
		{ type: 'batch-close', reason: null, tally: 1 },
		{ type: 'batch-reopen', reason: '締めた後に接種希望者が来場', tally: null },
		{ type: 'batch-close', reason: null, tally: 2 }
	]);
});
