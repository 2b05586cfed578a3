import { expect, test } from '@playwright/test';
import { sampleDose } from '#shared/domain/testing/fixtures';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { batchClose } from '../helpers/reconcile';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

test.describe('reconciliation in the back office', () => {
	const server = useServer();
	let device: MemoryDevice | null = null;
	test.afterEach(() => device?.stop());

	test('a synced batch reaches the queue; staff correct a record and check the batch; a supervisor approves it; the ticket history shows who, when and why', async ({
		page
	}) => {
		const admin = await OfficeClient.login(server.url);
		await admin.json('PUT', '/api/admin/lots', {
			product: 'comirnaty',
			lot: 'FA1234',
			expiry: '2099-12-31',
			sites: ['V001']
		});
		await admin.createUser('staff', 'clerk');
		await admin.createUser('supervisor', 'chief');

		// A day of a real device, synced through the real protocol: one dose on a lot the
		// master does not know, then the close with the paper tally.
		device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
		const d = device;
		d.append(d.doseEvent({ vaccine: { ...sampleDose().vaccine, expiry: '2099-12-31' } }, '0000000001'));
		d.append(d.doseEvent({ vaccine: { ...sampleDose().vaccine, expiry: '2099-12-31', lot: 'ZZ9999' } }, '0000000002'));
		d.append(batchClose(d, 2));
		d.start();
		await d.until(() => d.count('receipted') === 3);
		// The rules run right after the commit; wait for the item they raise.
		await expect
			.poll(async () =>
				(
					await admin.json<{ items: { reason: string }[] }>('GET', '/api/office/reconciliation/items?status=open')
				).items.map((i) => i.reason)
			)
			.toEqual(['lot-unknown']);

		await officeLogin(page, server.url, { username: 'clerk', password: passwordOf('clerk') }, '/office/queue');
		const row = page.locator('tr[data-reason="lot-unknown"]');
		await expect(row).toContainText('登録されていないロット');
		await expect(row).toContainText('0000000002');
		await row.getByRole('button', { name: '訂正' }).click();
		await page.getByLabel('ロット番号').fill('FA1234');
		await page.getByLabel('訂正の理由').fill('予診票のシールでロットを確認');
		await page.getByRole('button', { name: '実行', exact: true }).click();
		await expect(page.getByRole('status')).toContainText('処理しました');
		await expect(page.getByText('該当する確認事項はありません。')).toBeVisible();

		await page.getByRole('navigation').getByRole('link', { name: 'バッチ' }).click();
		const batchRow = page.locator(`tr[data-batch="${d.batchFor()}"]`);
		await expect(batchRow.locator('[data-state]')).toHaveText('受領済');
		await batchRow.getByRole('link').click();
		await expect(page.getByTestId('batch-state')).toHaveText('受領済');
		await expect(page.getByRole('button', { name: '承認する' })).toHaveCount(0);
		await page.getByRole('button', { name: '確認済にする' }).click();
		await expect(page.getByRole('status')).toHaveText('確認済にしました。');
		await expect(page.getByTestId('batch-state')).toHaveText('確認済');
		// Staff may not approve: the button is not offered (and the API refuses, see the integration test).
		await expect(page.getByRole('button', { name: '承認する' })).toHaveCount(0);

		await page.getByRole('button', { name: 'ログアウト' }).click();
		await officeLogin(
			page,
			server.url,
			{ username: 'chief', password: passwordOf('chief') },
			`/office/batches/${d.batchFor()}`
		);
		await page.getByRole('button', { name: '承認する' }).click();
		await expect(page.getByRole('status')).toHaveText('承認しました。');
		await expect(page.getByTestId('batch-state')).toHaveText('承認済');
		await expect(page.getByText('承認: chief')).toBeVisible();

		await page.getByRole('link', { name: '131016 0000000002' }).click();
		await expect(page.getByRole('heading', { name: '接種券の履歴: 131016 0000000002' })).toBeVisible();
		const office = page.locator('tr[data-source="office"]');
		await expect(office).toContainText('訂正');
		await expect(office).toContainText('保健センター clerk（clerk）');
		await expect(office).toContainText('予診票のシールでロットを確認');
		await expect(office).toContainText('FA1234');
		await expect(page.locator('tr[data-source="device"]')).toContainText('担当 N001');
		await expect(page.getByRole('button', { name: '印刷' })).toBeVisible();
		// Printed: only the history, without the navigation and buttons.
		await page.emulateMedia({ media: 'print' });
		await expect(page.getByRole('navigation')).toBeHidden();
		await expect(page.getByRole('button', { name: '印刷' })).toBeHidden();
		await expect(page.getByText(/^印刷日時:/)).toBeVisible();
	});
});
