import { expect, test } from '@playwright/test';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { expectOfficeAccessible } from './office-axe';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, scanTicket } from './station-steps';

const server = useServer();

test('the dashboard draws the synced doses per venue and hour and per lot, and the station as reporting nothing unreceipted', async ({
	browser
}) => {
	const stationContext = await browser.newContext();
	const station = await stationContext.newPage();
	await station.goto(server.url);
	await enrolStation(
		station,
		await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: '会場1 受付A' })
	);
	await fillSession(station, 'FK7789');
	for (const ticket of ['111310160000012345', '111310160000012346']) {
		await scanTicket(station, ticket);
		await station.getByRole('button', { name: '記録する' }).click();
	}
	await expect(station.locator('.records li[data-state="receipted"]')).toHaveCount(2);

	// Staff see the dashboard (it is everyone's landing page).
	const staff = await (await OfficeClient.login(server.url)).createUser('staff');
	const officeContext = await browser.newContext();
	const office = await officeContext.newPage();
	await officeLogin(office, server.url, { username: staff.user.username, password: passwordOf(staff.user.username) });
	await expect(office.getByRole('heading', { name: 'ダッシュボード' })).toBeVisible();

	// Each chart is a drawn canvas with its figures in its accessible name and in a table.
	const byLot = office.getByRole('figure', { name: 'ロット別の接種数（本日）' });
	await expect(byLot.getByRole('img')).toHaveAccessibleName('ロット別の接種数（本日）：comirnaty FK7789 2');
	await expect(byLot.locator('tbody tr')).toHaveText([/comirnaty FK7789\s*2/]);
	const drawn = await byLot
		.locator('canvas')
		.evaluate(
			(c: HTMLCanvasElement) =>
				c.width > 0 && c.height > 0 && c.toDataURL() !== document.createElement('canvas').toDataURL()
		);
	expect(drawn).toBe(true);

	// Per venue and hour: both doses at V001, in the hour(s) they were given.
	const byHour = office.getByRole('figure', { name: '会場別・時間帯別の接種数（本日）' });
	await expect(byHour.getByRole('img')).toHaveAccessibleName(/^会場別・時間帯別の接種数（本日）：\d+時 \d/);
	const hourly = (await byHour.locator('tbody td').allTextContents()).map(Number);
	expect(hourly.reduce((a, b) => a + b, 0)).toBe(2);

	// The station reports that it holds nothing unreceipted (its report follows the receipts).
	const unreceipted = office.getByRole('figure', { name: '未受領の記録（端末の報告）' }).getByRole('img');
	await expect(async () => {
		await office.getByRole('button', { name: '最新の情報に更新' }).click();
		await expect(unreceipted).toHaveAccessibleName('未受領の記録（端末の報告）：会場1 受付A（V001） 0', {
			timeout: 1000
		});
	}).toPass();
	await expect(office.getByRole('figure', { name: '最終接続からの経過（分）' })).toBeVisible();
	await expectOfficeAccessible(office, 'dashboard');
	await officeContext.close();
	await stationContext.close();
});
