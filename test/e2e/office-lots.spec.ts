import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import iconv from 'iconv-lite';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';
import { enrolStation } from './station-steps';

/** WCAG 2.1 AA violations on the page as it is now (axe-core). */
const axeViolations = async (page: Page) =>
	(await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations.map(
		(v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);

const server = useServer();

const csv = (lines: string[]) => ({
	name: '納品リスト.csv',
	mimeType: 'text/csv',
	buffer: iconv.encode(lines.join('\r\n') + '\r\n', 'cp932')
});

test('staff import lots from a CSV file, edit one, delete one, name a site, and a station of that site receives the lot', async ({
	page,
	browser
}) => {
	const admin = await OfficeClient.login(server.url);
	await admin.createUser('staff', 'stock-clerk');
	await officeLogin(page, server.url, { username: 'stock-clerk', password: passwordOf('stock-clerk') }, '/office/lots');
	await expect(page.getByRole('heading', { name: 'ロットの管理' })).toBeVisible();
	await expect(page.getByText('ロットはまだ登録されていません。')).toBeVisible();

	// A file with a bad line: the preview names it, and the import button stays disabled.
	await page
		.getByLabel('CSVファイル')
		.setInputFiles(
			csv([
				'製品,ロット番号,有効期限,納品先',
				'comirnaty,LT0001,2030-06-31,V002',
				'09520000002015,MD0009,2030/06/30,V002'
			])
		);
	await expect(page.getByTestId('lot-import-errors')).toContainText(
		'2行目「有効期限」: 日付は YYYY-MM-DD または YYYY/MM/DD で入力してください。'
	);
	await expect(page.getByRole('button', { name: '取り込む' })).toBeDisabled();
	expect(await axeViolations(page)).toEqual([]);

	// The corrected file (Shift_JIS): previewed, then imported.
	await page
		.getByLabel('CSVファイル')
		.setInputFiles(
			csv([
				'製品,ロット番号,有効期限,納品先',
				'comirnaty,LT0001,2030-06-30,V002',
				'09520000002015,MD0009,2030/06/30,V002'
			])
		);
	const preview = page.getByTestId('lot-import-preview');
	await expect(preview.locator('tr[data-lot="LT0001"]')).toContainText('追加');
	await expect(preview.locator('tr[data-lot="MD0009"]')).toContainText('スパイクバックス筋注');
	await page.getByRole('button', { name: '取り込む' }).click();
	await expect(page.getByRole('status')).toHaveText('取り込みました（追加 2 件、変更 0 件、変更なし 0 件）。');
	const row = page.getByTestId('lots').locator('tr[data-lot="LT0001"]');
	await expect(row).toContainText('2030-06-30');
	await expect(row).toContainText('V002');

	// Edit: deliver LT0001 to V001 as well, with a corrected expiry.
	await row.getByRole('button', { name: 'ロット LT0001 を編集' }).click();
	await row.getByLabel('有効期限').fill('2030-07-31');
	await row.getByLabel('納品先（会場・医療機関コード、空白区切り）').fill('V002 V001');
	await row.getByRole('button', { name: '保存する' }).click();
	await expect(page.getByRole('status')).toHaveText('ロット LT0001 を保存しました。');
	await expect(row).toContainText('2030-07-31');
	await expect(row).toContainText('V001 V002');

	// A site name for the exports, on its own page (会場・医師), reached from the menu.
	await page.getByRole('navigation').getByRole('link', { name: '会場・医師' }).click();
	await expect(page.getByRole('heading', { name: '会場・医師', level: 2 })).toBeVisible();
	const sites = page.getByRole('region', { name: '会場・医療機関の名称' });
	await sites.getByLabel('会場・医療機関コード').fill('V001');
	await sites.getByLabel('会場・医療機関名').fill('市民体育館');
	await sites.getByRole('button', { name: '登録する' }).click();
	await expect(page.getByTestId('sites-names')).toContainText('市民体育館');
	expect(await axeViolations(page)).toEqual([]);
	await page.getByRole('navigation').getByRole('link', { name: 'ロット' }).click();

	// MD0009 was entered by mistake: deleting it asks first, then it is gone.
	const md = page.getByTestId('lots').locator('tr[data-lot="MD0009"]');
	await md.getByRole('button', { name: 'ロット MD0009 を削除' }).click();
	const confirm = page.getByRole('dialog', { name: 'ロットを削除しますか？' });
	await expect(confirm).toContainText('接続中の端末からもすぐに消えます');
	expect(await axeViolations(page)).toEqual([]);
	await confirm.getByRole('button', { name: '削除する' }).click();
	await expect(confirm).toHaveCount(0);
	await expect(page.getByRole('status')).toHaveText('ロット MD0009 を削除しました。');
	await expect(md).toHaveCount(0);

	// A tablet at V001 offers the edited lot (and not MD0009, delivered to V002 only).
	const station = await (await browser.newContext()).newPage();
	await station.goto(server.url);
	await enrolStation(station, await issueEnrolmentCode(server.url, undefined, admin));
	await station.getByLabel('ワクチン').selectOption('comirnaty');
	await expect(station.getByLabel('納品されたロットから選ぶ').locator('option')).toHaveText([
		'―',
		'ロット LT0001（有効期限 2030-07-31）'
	]);
	await station.getByLabel('ワクチン').selectOption('spikevax');
	// No Spikevax lot was delivered here: the station offers no list to choose from.
	await expect(station.getByLabel('納品されたロットから選ぶ')).toHaveCount(0);
	await station.context().close();
});
