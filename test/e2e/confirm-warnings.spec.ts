import { expect, test, type Browser, type Page } from '@playwright/test';
import { serviceDateOf } from '#shared/index';
import { issueEnrolmentCode } from '../helpers/server-process';
import { cartonCode, enrolStation, fillSession, scanLot, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

async function tablet(browser: Browser, label: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label }));
	await fillSession(page);
	return page;
}

async function check(page: Page, ticket: string) {
	await scanTicket(page, ticket);
	await expect(page.getByRole('heading', { name: '内容の確認' })).toBeVisible();
}

async function record(page: Page, ticket: string) {
	await check(page, ticket);
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByRole('status').filter({ hasText: '記録しました' })).toBeVisible();
}

test('warns before saving a duplicate here or at another table, a foreign ticket, a 回数 digit out of step, a lot expiring today', async ({
	browser
}) => {
	const a = await tablet(browser, '受付A');
	const b = await tablet(browser, '受付B');

	// Another table records a ticket; this one hears of it through the venue view.
	await record(b, '111310160000055555');
	await expect(b.locator('.records li[data-state="receipted"]')).toHaveCount(1);
	await expect(async () => {
		await check(a, '111310160000055555');
		const warned = await a.getByTestId('warnings').isVisible();
		await a.getByRole('button', { name: '戻る' }).click();
		expect(warned).toBe(true);
	}).toPass();
	await check(a, '111310160000055555');
	await expect(a.getByTestId('warnings')).toContainText('この会場の別の受付で記録済み');
	await a.getByRole('button', { name: '戻る' }).click();

	// A plain first dose: no warning. The same again: recorded here.
	await check(a, '111310160000012345');
	await expect(a.getByTestId('warnings')).toHaveCount(0);
	await a.getByRole('button', { name: '記録する' }).click();
	await check(a, '111310160000012345');
	await expect(a.getByTestId('warnings')).toContainText('この端末で記録済み');
	await a.getByRole('button', { name: '戻る' }).click();

	// Dose 3 printed on the ticket, but only dose 1 is known: out of step.
	await check(a, '131310160000012345');
	await expect(a.getByTestId('warnings')).toContainText('次の回数と一致しません');
	await a.getByRole('button', { name: '戻る' }).click();

	// 新宿区's ticket at a 千代田区 venue.
	await check(a, '111310410000077777');
	await expect(a.getByTestId('warnings')).toContainText('他自治体の接種券');
	await a.getByRole('button', { name: '戻る' }).click();

	// A lot whose expiry is today (Japan's date).
	const today = serviceDateOf(new Date().toISOString())!;
	await a.getByRole('button', { name: '設定を変更' }).click();
	await scanLot(a, cartonCode('LX0001', today.slice(2).replaceAll('-', '')));
	await a.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await check(a, '111310160000099999');
	await expect(a.getByTestId('warnings')).toContainText('本日が有効期限');
});

test('a voided dose no longer warns as recorded; a corrected one warns under its corrected dose number', async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: '受付A' }));
	await fillSession(page);
	const row = (grouped: string) => page.locator('.records li').filter({ hasText: grouped });
	const change = async (grouped: string, action: '訂正' | '取消', fill?: () => Promise<unknown>) => {
		await row(grouped).getByRole('button').click();
		const dialog = page.getByRole('dialog');
		await dialog.getByRole('button', { name: action }).click();
		await fill?.();
		await dialog.getByLabel('理由', { exact: true }).fill('予診票と照合');
		await dialog.getByRole('button', { name: '確定' }).click();
		await expect(dialog).toBeHidden();
	};

	// Recorded, then voided: scanning it again is a plain first dose.
	await record(page, '111310160000012345');
	await change('0000 012 345', '取消');
	await expect(row('0000 012 345')).toContainText('取消済');
	await check(page, '111310160000012345');
	await expect(page.getByTestId('warnings')).toHaveCount(0);
	await page.getByRole('button', { name: '戻る' }).click();

	// Dose 2 corrected to dose 3: the third is recorded here, the second is not.
	await record(page, '121310160000067890');
	await change('0000 067 890', '訂正', () => page.getByRole('dialog').getByLabel('接種回数').selectOption('3'));
	await expect(row('0000 067 890')).toContainText('3回目');
	await check(page, '131310160000067890');
	await expect(page.getByTestId('warnings')).toContainText('この端末で記録済み');
	await page.getByRole('button', { name: '戻る' }).click();
	await check(page, '121310160000067890');
	await expect(page.getByTestId('warnings')).not.toContainText('記録済み');
});
