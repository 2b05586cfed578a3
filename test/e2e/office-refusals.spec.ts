import { expect, test } from '@playwright/test';
import type { DoseRecordEvent } from '#shared/index';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

const server = useServer();
let device: MemoryDevice | null = null;
test.afterEach(() => device?.stop());

test('an update refused for a service day in the future reaches the queue with its reason in Japanese', async ({
	page
}) => {
	const admin = await OfficeClient.login(server.url);
	await admin.createUser('staff', 'clerk');
	// A tablet whose clock says 2099: its batch lies decades after the server's date (the
	// server's real clock: this holds until 2099).
	device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
	const d = device;
	const day = '2099-12-31';
	const ev = d.doseEvent(
		{ batch: d.batchFor(day), givenAt: `${day}T01:00:00.000Z`, recordedAt: `${day}T01:00:30.000Z` },
		'0000000001'
	) as DoseRecordEvent;
	d.append(ev);
	d.start();
	await d.until(() => d.count('refused') === 1);

	await officeLogin(page, server.url, { username: 'clerk', password: passwordOf('clerk') }, '/office/queue');
	const row = page.locator('tr[data-reason="refused-update"]');
	await expect(row).toContainText('受付拒否された送信');
	await expect(row).toContainText('拒否の理由: 実施日が未来の日付です。端末の日付・時計の誤りの可能性があります。');
	// The code itself is the API's, not the screen's.
	await expect(page.locator('main')).not.toContainText('SERVICE_DAY_FUTURE');
	// The refused record by its ticket, dose, lot and date, not by its event id.
	await expect(row).toContainText('131016 0000000001（1）');
	await expect(row.getByTestId('refused-lot')).toHaveText(ev.vaccine.lot);
	await expect(row).toContainText('2099/12/31');
	await expect(row).not.toContainText(ev.id);
});

test('a refused record is recorded again from the office: every problem shown, fields fixed, in the ticket history', async ({
	page
}) => {
	const admin = await OfficeClient.login(server.url);
	await admin.createUser('staff', 'clerk2');
	device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
	const d = device;
	const day = '2026-11-22';
	const good = d.doseEvent({ batch: d.batchFor(day) }, '0000000001') as DoseRecordEvent;
	// A misread municipality digit and an expired lot in one record.
	const bad = d.doseEvent(
		{
			batch: d.batchFor(day),
			municipality: '131017',
			vaccine: { ...good.vaccine, lot: 'EX0001', expiry: '2026-10-31' }
		},
		'0000000002'
	);
	d.append(good);
	d.append(bad);
	d.start();
	await d.until(() => d.count('refused') === 1 && d.count('receipted') === 1);

	await officeLogin(page, server.url, { username: 'clerk2', password: passwordOf('clerk2') }, '/office/queue');
	const row = page.locator('tr[data-reason="refused-update"]');
	// By ticket, dose, lot and date, with every problem in Japanese; no event ids.
	await expect(row).toContainText('131017 0000000002（1）');
	await expect(row.getByTestId('refused-lot')).toHaveText('EX0001');
	await expect(row.getByRole('listitem')).toHaveText([
		/市町村コードが正しくありません（検査数字の不一致）。/,
		/接種日にはロットの有効期限が切れています。/
	]);
	await expect(row).not.toContainText('MUNICIPALITY_CHECK_DIGIT');
	await expect(row).not.toContainText(bad.id);
	await expect(row.getByRole('button', { name: '了承（メモ）' })).toHaveCount(0);

	await row.getByRole('button', { name: '記録し直す' }).click();
	const form = page.locator('form.card');
	// Only the digit fixed: refused with the problem left, nothing recorded.
	await form.getByLabel('市町村コード（6桁）').fill('131016');
	await form.getByLabel('記録し直す理由（予診票で確認した内容など）').fill('予診票で確認');
	await form.getByRole('button', { name: '実行' }).click();
	await expect(page.getByRole('alert')).toContainText('有効期限');
	await form.getByLabel('ロット番号').fill('FA1234');
	await form.getByLabel('有効期限').fill('2099-12-31');
	await form.getByRole('button', { name: '実行' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'を処理しました' })).toBeVisible();
	await expect(row).toHaveCount(0);

	await page.goto(`${server.url}/office/tickets/131016/0000000002`);
	await expect(page.getByRole('main')).toContainText('FA1234');
	await expect(page.getByRole('main')).toContainText('保健センター');
});
