import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { pgliteRows } from '../helpers/ledger-rows';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';
import { enrolStation, scanLot, scanTicket } from './station-steps';

/** WCAG 2.1 AA violations on the page as it is now (axe-core). */
const axeViolations = async (page: Page) =>
	(await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations.map(
		(v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);

const server = useServer();

/** A GTIN of a new Comirnaty package, not in the built-in catalogue (GS1 example prefix 952). */
const NEW_GTIN = '09520000009014';
const vial = (lot: string) => `(01)${NEW_GTIN}(17)301231(10)${lot}`;

test('an office user adds a GTIN to a product; an enrolled station receives it, scans a vial with it, and the dose saves and is receipted', async ({
	page,
	browser
}) => {
	// A station enrolled on the built-in catalogue (version 1) does not know the new package.
	const station = await (await browser.newContext()).newPage();
	await station.goto(server.url);
	await enrolStation(station, await issueEnrolmentCode(server.url));
	await expect(station.getByTestId('catalog-version')).toHaveText(
		'ワクチンの一覧：保健センターから受け取ったもの（第1版）'
	);
	await station.getByLabel('ワクチン').selectOption('comirnaty');
	await scanLot(station, vial('NP0001'));
	await expect(station.getByRole('alert')).toHaveText('登録されていない製品のバーコードです。');

	// Back office: staff add the GTIN to Comirnaty (a mistyped check digit is refused first).
	const admin = await OfficeClient.login(server.url);
	await admin.createUser('staff', 'catalog-clerk');
	await officeLogin(
		page,
		server.url,
		{ username: 'catalog-clerk', password: passwordOf('catalog-clerk') },
		'/office/products'
	);
	await expect(page.getByRole('heading', { name: 'ワクチン製品の管理' })).toBeVisible();
	await expect(page.getByTestId('catalog-version')).toHaveText('現在の版：1');
	const row = page.getByTestId('products').locator('tr[data-product="comirnaty"]');
	await row.getByRole('button', { name: 'コミナティ筋注 を編集' }).click();
	const form = page.getByTestId('product-form');
	const gtinField = form.getByLabel('追加するGTIN（13桁または14桁）');
	await gtinField.fill('09520000009015');
	await form.getByRole('button', { name: 'GTINを追加' }).click();
	await expect(form.getByRole('alert')).toHaveText(
		'GTINが正しくありません（13桁または14桁の数字で、最後の検査数字が一致すること）。'
	);
	await gtinField.fill(NEW_GTIN);
	await form.getByRole('button', { name: 'GTINを追加' }).click();
	await expect(form.getByTestId('form-gtins')).toContainText(NEW_GTIN);
	await expect(form.getByRole('alert')).toHaveCount(0);
	expect(await axeViolations(page)).toEqual([]);
	await form.getByRole('button', { name: '保存する' }).click();
	await expect(page.getByRole('status')).toHaveText('コミナティ筋注 を保存しました（版 2）。');
	await expect(page.getByTestId('catalog-version')).toHaveText('現在の版：2');
	await expect(row).toContainText(NEW_GTIN);
	expect(await axeViolations(page)).toEqual([]);

	// The station, online all along, receives version 2 without reconnecting; the vial now reads as Comirnaty.
	await expect(station.getByTestId('catalog-version')).toHaveText(
		'ワクチンの一覧：保健センターから受け取ったもの（第2版）'
	);
	await station.getByLabel('ワクチン').selectOption('comirnaty');
	await scanLot(station, vial('NP0001'));
	await expect(station.getByTestId('session-lot')).toContainText('NP0001');
	await station.getByLabel('予診医コード').fill('D001');
	await station.getByLabel('接種医コード').fill('D002');
	await station.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await expect(station.getByTestId('session-summary')).toContainText('NP0001');

	await scanTicket(station, '111310160000012345');
	await station.getByRole('button', { name: '記録する' }).click();
	await expect(station.locator('.records li[data-state="receipted"]')).toHaveCount(1);
	await server.stop();
	expect(
		await pgliteRows(
			server.dataDir,
			"SELECT payload->'vaccine'->>'product' AS product, payload->'vaccine'->>'lot' AS lot FROM dose_events"
		)
	).toEqual([{ product: 'comirnaty', lot: 'NP0001' }]);
	expect(
		await pgliteRows(server.dataDir, "SELECT action, target FROM audit_log WHERE action LIKE 'catalog.%'")
	).toEqual([{ action: 'catalog.product.put', target: 'comirnaty' }]);
});

const HEADER = '製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日';
const csv = (lines: string[]) => ({
	name: '製品一覧.csv',
	mimeType: 'text/csv',
	buffer: Buffer.from([HEADER, ...lines].join('\r\n') + '\r\n')
});

test('products are imported from a CSV file: the preview lists each bad line, a corrected file imports as a new version', async ({
	page
}) => {
	const admin = await OfficeClient.login(server.url);
	await admin.createUser('staff', 'catalog-importer');
	await officeLogin(
		page,
		server.url,
		{ username: 'catalog-importer', password: passwordOf('catalog-importer') },
		'/office/products'
	);
	const version = Number((await page.getByTestId('catalog-version').textContent())!.replace(/\D/g, ''));

	// A bad GTIN check digit and an unknown route: both named by line and column; nothing can be imported.
	await page
		.getByLabel('CSVファイル')
		.setInputFiles(
			csv([
				'boostvax,追加ワクチン,pfizer,,09520000009015,0.3,左上腕,筋肉内注射,1,',
				'boostvax2,追加ワクチン2,pfizer,,,0.3,左上腕,点滴,1,'
			])
		);
	const errors = page.getByTestId('product-import-errors');
	await expect(errors.locator('tbody tr')).toHaveCount(2);
	await expect(errors).toContainText('GTIN');
	await expect(errors).toContainText('方法');
	await expect(page.getByRole('button', { name: '取り込む' })).toBeDisabled();
	expect(await axeViolations(page)).toEqual([]);

	await page
		.getByLabel('CSVファイル')
		.setInputFiles(csv(['boostvax,追加ワクチン,pfizer,,09520000009014,0.3,左上腕;右上腕,筋肉内注射,2,21']));
	await expect(page.getByTestId('product-import-errors')).toHaveCount(0);
	await expect(page.getByTestId('product-import-preview').locator('tr[data-product="boostvax"]')).toContainText('追加');
	await page.getByRole('button', { name: '取り込む' }).click();
	await expect(page.getByRole('status')).toHaveText(
		`取り込みました（追加 1 件、変更 0 件、変更なし 0 件、版 ${version + 1}）。`
	);
	await expect(page.getByTestId('catalog-version')).toHaveText(`現在の版：${version + 1}`);
	await expect(page.getByTestId('products').locator('tr[data-product="boostvax"]')).toContainText('09520000009014');
});
