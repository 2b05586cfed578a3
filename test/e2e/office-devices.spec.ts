import { expect, test } from '@playwright/test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { expectOfficeAccessible } from './office-axe';
import { officeLogin } from './office-steps';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, scanTicket } from './station-steps';

// PostgreSQL, so the test can make the ledger refuse uploads (as a full disk would) while the
// station is connected: what it reports unreceipted then holds still on the devices page.
let db: TestDatabase;
const server = useServer(async () => {
	db = await createTestDatabase();
	return { DATABASE_URL: db.url };
});
test.afterEach(async () => {
	await db.drop();
});

async function sql(text: string): Promise<void> {
	const c = new pg.Client({ connectionString: db.url });
	await c.connect();
	try {
		await c.query(text);
	} finally {
		await c.end();
	}
}

test('admin enrols a tablet from the devices page, sees what it holds unreceipted, and revokes it', async ({
	browser
}) => {
	const officeContext = await browser.newContext();
	const office = await officeContext.newPage();
	await officeLogin(office, server.url, undefined, '/office/devices');
	await expect(office.getByRole('heading', { name: '端末', exact: true })).toBeVisible();

	await office.getByLabel('設置場所の種類').selectOption('mass');
	await office.getByLabel('会場コード・医療機関コード').fill('V001');
	await office.getByLabel('端末の名前（例：会場1 受付A）').fill('会場1 受付A');
	await office.getByRole('button', { name: '登録コードを発行する' }).click();
	const qr = office.getByRole('img', { name: '登録コードのQRコード' });
	await expect(qr.locator('svg')).toBeVisible();
	const code = await office.getByLabel('登録コード', { exact: true }).inputValue();
	expect(code.length).toBeGreaterThan(40);

	// A real station enrols with that code and starts its shift.
	const stationContext = await browser.newContext();
	const station = await stationContext.newPage();
	await station.goto(server.url);
	await enrolStation(station, code);
	await fillSession(station);

	const row = office.locator('tr', { has: office.getByRole('rowheader', { name: '会場1 受付A' }) });
	await expect(row.locator('[data-status]')).toHaveText('使用中');
	await expect(row.locator('[data-unreceipted]')).toHaveAttribute('data-unreceipted', '0');

	// Three doses with the network gone; the ledger then refuses uploads while the station reconnects.
	await stationContext.setOffline(true);
	for (const ticket of ['111310160000012345', '111310160000012346', '111310160000012347']) {
		await scanTicket(station, ticket);
		await station.getByRole('button', { name: '記録する' }).click();
	}
	await expect(station.locator('.records li[data-state="local"]')).toHaveCount(3);
	await sql(`CREATE FUNCTION e2e_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'e2e: disk full'; END $$;
		CREATE TRIGGER e2e_refuse BEFORE INSERT ON sync_updates FOR EACH ROW EXECUTE FUNCTION e2e_refuse();`);
	await stationContext.setOffline(false);

	// The page refreshes itself: the station's report arrives without a reload.
	await expect(row.locator('[data-unreceipted]')).toHaveAttribute('data-unreceipted', '3');
	await expect(row.locator('[data-unreceipted]')).toContainText('3 件');
	await expectOfficeAccessible(office, 'devices');
	await expect(station.locator('.records li[data-state="receipted"]')).toHaveCount(0);

	// Revoke, with a confirmation that says what is lost.
	await row.getByRole('button', { name: '無効化する：会場1 受付A' }).click();
	const dialog = office.getByRole('dialog', { name: '端末を無効化しますか？' });
	await expect(dialog).toContainText('未受領の記録を 3 件');
	await expectOfficeAccessible(office, 'revoke confirmation');
	await dialog.getByRole('button', { name: '無効化する' }).click();
	await expect(office.getByRole('status')).toHaveText('「会場1 受付A」を無効化しました。');
	await expect(row.locator('[data-status]')).toHaveText('無効化済');
	await expect(row.getByRole('button', { name: /無効化する/ })).toHaveCount(0);

	// The station is cut off and wipes itself.
	await expect(station.getByRole('alert')).toContainText('この端末は無効化されたため');
	await expect(station.getByLabel('登録コード')).toBeVisible();
	await officeContext.close();
	await stationContext.close();
});

test('a retire needs confirming, and cancelling changes nothing', async ({ page }) => {
	await officeLogin(page, server.url, undefined, '/office/devices');
	await page.getByLabel('会場コード・医療機関コード').fill('C042');
	await page.getByLabel('設置場所の種類').selectOption('clinic');
	await page.getByLabel('端末の名前（例：会場1 受付A）').fill('クリニック受付');
	await page.getByRole('button', { name: '登録コードを発行する' }).click();
	const station = await page.context().newPage();
	await station.goto(server.url);
	await enrolStation(station, await page.getByLabel('登録コード', { exact: true }).inputValue());

	const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'クリニック受付' }) });
	await expect(row).toContainText('C042（医療機関）');
	await row.getByRole('button', { name: '使用終了にする：クリニック受付' }).click();
	const dialog = page.getByRole('dialog', { name: '端末の使用を終了しますか？' });
	await dialog.getByRole('button', { name: 'やめる' }).click();
	await expect(dialog).toHaveCount(0);
	await expect(row.locator('[data-status]')).toHaveText('使用中');

	await row.getByRole('button', { name: '使用終了にする：クリニック受付' }).click();
	await page.getByRole('dialog').getByRole('button', { name: '使用終了にする' }).click();
	await expect(row.locator('[data-status]')).toHaveText('使用終了');
	await expect(row.getByRole('button', { name: /使用終了にする/ })).toHaveCount(0);
});
