import { expect, test, type Page } from '@playwright/test';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { cartonCode, enrolStation, fillSession, scanLot, scanTicket, unlockStation } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

async function putLots(lots: Record<string, unknown>[]): Promise<void> {
	const admin = await OfficeClient.login(server.url);
	for (const lot of lots)
		expect((await admin.request('/api/admin/lots', { method: 'PUT', body: lot })).status).toBe(200);
}

/** Lines a button's words take on screen (1 when they did not wrap). */
const textLines = (page: Page, name: string) =>
	page.getByRole('button', { name, exact: true }).evaluate((button) => {
		const range = document.createRange();
		range.selectNodeContents(button);
		return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
	});

test("day settings: plain words, which lot field to use, 読み取る whole, doctor codes offered from the site's records", async ({
	page
}) => {
	await putLots([{ product: 'comirnaty', lot: 'FK7789', expiry: '2030-12-31', sites: ['V001'] }]);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await expect(page.getByLabel('納品されたロットから選ぶ')).toBeVisible();
	// The lot list and the scan field come with a word on which to use.
	await expect(page.getByTestId('lot-which')).toContainText('読み取れないときだけ');
	// No 「製品設定：版 1」 jargon.
	await expect(page.getByTestId('catalog-version')).toHaveText(
		/^ワクチンの一覧：保健センターから受け取ったもの（第\d+版）$/
	);
	await expect(page.getByText('製品設定')).toHaveCount(0);
	// 読み取る on one line, at 1280×800 and at 800×1280.
	await page.getByLabel('ロット（バイアル・箱のバーコード）').fill('x');
	expect(await textLines(page, '読み取る')).toBe(1);
	await page.setViewportSize({ width: 800, height: 1280 });
	expect(await textLines(page, '読み取る')).toBe(1);
	await page.setViewportSize({ width: 1280, height: 800 });

	await fillSession(page);
	await scanTicket(page, '111310160000012345');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByTestId('saved')).toContainText('記録しました');

	// The next settings offer the doctor codes used at this site.
	await page.getByRole('button', { name: '設定を変更' }).click();
	await expect(page.getByTestId('doctor-codes').locator('option')).toHaveCount(2);
	expect(
		await page
			.getByTestId('doctor-codes')
			.locator('option')
			.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).sort())
	).toEqual(['D001', 'D002']);
	await expect(page.getByLabel('予診医コード')).toHaveAttribute('list', 'doctor-codes');
});

test('lots the lot master says are wrong warn on the settings and the confirmation, and need a confirmation to go on', async ({
	page
}) => {
	await putLots([
		{ product: 'comirnaty', lot: 'LM2024', expiry: '2030-06-30', sites: ['V001'] },
		{ product: 'spikevax', lot: 'MD0001', expiry: '2030-06-30', sites: ['V001'] },
		{ product: 'comirnaty', lot: 'ELSEWH', expiry: '2030-06-30', sites: ['V999'] }
	]);
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await expect(page.getByLabel('納品されたロットから選ぶ')).toBeVisible();
	await page.getByLabel('ワクチン').selectOption('comirnaty');
	const warnings = page.getByTestId('lot-warnings');

	// A lot delivered here, of this product: no warning.
	await scanLot(page, cartonCode('LM2024', '300630'));
	await expect(page.getByTestId('session-lot')).toContainText('LM2024');
	await expect(warnings).toHaveCount(0);

	// Another product's lot under this product's GTIN.
	await scanLot(page, cartonCode('MD0001', '300630'));
	await expect(warnings).toContainText('別のワクチンのロット');

	// A lot delivered to another site only (the station cannot tell it from one not in the master).
	await scanLot(page, cartonCode('ELSEWH', '300630'));
	await expect(warnings).toContainText('この会場に納品されたロットとして登録されていません');

	// A new delivery not yet entered: it must not stop the venue, but it needs a confirmation.
	await scanLot(page, cartonCode('NEW001', '301231'));
	await expect(warnings).toContainText('この会場に納品されたロットとして登録されていません');
	await page.getByLabel('予診医コード').fill('D001');
	await page.getByLabel('接種医コード').fill('D002');
	await page.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await expect(page.getByRole('alert').filter({ hasText: '「確認しました」にチェック' })).toBeVisible();
	await expect(page.getByTestId('session-summary')).toHaveCount(0);
	await page.getByLabel('このロットで記録を始めることを確認しました').check();
	await page.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await expect(page.getByTestId('session-summary')).toContainText('NEW001');

	// The confirmation shows the same warning before every save.
	await scanTicket(page, '111310160000012345');
	await expect(page.getByTestId('warnings')).toContainText('この会場に納品されたロットとして登録されていません');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByTestId('saved')).toContainText('記録しました');
});

test('the lock screen names the device and venue and counts the records still only on the device', async ({
	page,
	context
}) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await page.evaluate(() => navigator.serviceWorker.ready);
	await context.setOffline(true);
	for (const [i, n] of ['111310160000012345', '111310160000012346'].entries()) {
		await scanTicket(page, n);
		await page.getByRole('button', { name: '記録する' }).click();
		await expect(page.getByTestId('sync-indicator')).toContainText(`未受領 ${i + 1} 件`);
	}
	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	const info = page.getByTestId('lock-info');
	await expect(info).toContainText('会場1 受付A');
	await expect(info).toContainText('V001');
	await expect(page.getByTestId('lock-not-receipted')).toContainText('2 件');
	// After a reload too (read from what is in clear, without the PIN).
	await page.reload();
	await expect(page.getByTestId('lock-not-receipted')).toContainText('2 件');

	await context.setOffline(false);
	await unlockStation(page);
	await expect(page.getByTestId('sync-indicator')).toContainText('すべてサーバーに保存済み');
	await expect(page.locator('[data-state="receipted"]')).toHaveCount(2);
	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	await expect(page.getByTestId('lock-not-receipted')).toHaveText('なし（すべてサーバーに保存済み）');
});
