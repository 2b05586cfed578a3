import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import iconv from 'iconv-lite';
import { myNumberCheckDigit } from '#shared/index';
import { OfficeClient } from '../helpers/office-client';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

const server = useServer();
const HEADER = '券番号,市町村コード,接種可能回数,転出日,死亡日';
const MY_NUMBER = `12345678901${myNumberCheckDigit('12345678901')}`;
const csv = (lines: string[], header = HEADER) => [header, ...lines].join('\r\n') + '\r\n';

/** Signs in through the login form as a new staff member (an import role) and opens the register page. */
async function openAsStaff(page: Page): Promise<void> {
	const staff = await (await OfficeClient.login(server.url)).createUser('staff');
	await officeLogin(
		page,
		server.url,
		{ username: staff.user.username, password: passwordOf(staff.user.username) },
		'/office'
	);
	await page.getByRole('navigation').getByRole('link', { name: '接種券台帳' }).click();
	await expect(page.getByRole('heading', { name: '接種券台帳の取り込み' })).toBeVisible();
}

/** WCAG 2.1 A and AA over the whole page, as the accessibility spec checks the station. */
async function expectAccessible(page: Page, screen: string) {
	const { violations } = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	expect(violations.map((v) => `${screen}: ${v.id} (${v.nodes.length}) ${v.help}`)).toEqual([]);
}

const choose = (page: Page, name: string, buffer: Buffer) =>
	page.getByLabel('CSVファイル').setInputFiles({ name, mimeType: 'text/csv', buffer });
const progress = (page: Page) => page.getByRole('progressbar', { name: '取り込みの進み具合' });
const history = (page: Page) => page.getByRole('region', { name: '取り込みの履歴' }).getByRole('row');

test('a good UTF-8 file: preview, commit with progress, result, history and look-up', async ({ page }) => {
	await openAsStaff(page);
	await choose(
		page,
		'台帳.csv',
		Buffer.from(csv(['0000000001,131016,1-3,,', '0000000002,131016,"1,2",2025/04/01,', '0000000003,131041,1,,']))
	);

	const preview = page.getByRole('region', { name: '取り込み前の確認' });
	await expect(preview.getByTestId('register-encoding')).toHaveText('UTF-8');
	await expect(preview.getByTestId('register-valid')).toHaveText('3');
	await expect(preview.getByTestId('register-errors')).toHaveText('0');
	await expect(preview.getByRole('table').filter({ hasText: '読み取った内容' }).getByRole('row')).toHaveCount(4);
	await expect(preview.getByRole('cell', { name: '2025-04-01' })).toBeVisible();

	await preview.getByRole('button', { name: '台帳に取り込む' }).click();
	await expect(page.getByRole('status').filter({ hasText: '取り込みました' })).toHaveText(
		'取り込みました：新規 3 件、更新 0 件、変更なし 0 件。'
	);
	await expect(progress(page)).toHaveJSProperty('max', 3);
	await expect(progress(page)).toHaveJSProperty('value', 3);
	await expect(progress(page)).toHaveAttribute('aria-valuetext', '3 / 3 行');
	await expect(history(page).filter({ hasText: '台帳.csv' })).toContainText('取り込み済み');

	await page.getByLabel('市町村コード').fill('131016');
	await page.getByLabel('券番号').fill('0000000002');
	await page.getByRole('button', { name: '調べる' }).click();
	const found = page.locator('dl[aria-live]');
	await expect(found).toContainText('1,2');
	await expect(found).toContainText('2025-04-01');
});

test('a file with bad lines: each error with its line and column; imported only without them', async ({ page }) => {
	await openAsStaff(page);
	await choose(
		page,
		'errors.csv',
		Buffer.from(
			csv(['0000000011,131016,1-3,,', '000000012,131016,1,,', '0000000013,131017,1,,', '0000000014,131016,1-9,,'])
		)
	);

	const preview = page.getByRole('region', { name: '取り込み前の確認' });
	await expect(preview.getByTestId('register-errors')).toHaveText('3');
	const errors = preview.getByRole('table').filter({ hasText: '行ごとのエラー' }).getByRole('row');
	await expect(errors).toHaveCount(4);
	await expect(errors.nth(1)).toHaveText(/^3券番号券番号は10桁の数字です（この値は9文字です）。/);
	await expect(errors.nth(2)).toHaveText('4市町村コード市町村コードの検査数字（6桁目）が合いません。');
	await expect(errors.nth(3)).toHaveText('5接種可能回数接種可能回数は1〜6回の範囲です。');

	const commit = preview.getByRole('button', { name: '台帳に取り込む' });
	await expect(commit).toBeDisabled();
	await expectAccessible(page, 'preview with errors');
	await preview.getByLabel('エラーのある 3 行を除いて取り込む').check();
	await commit.click();
	await expect(page.getByRole('status').filter({ hasText: '取り込みました' })).toHaveText(
		'取り込みました：新規 1 件、更新 0 件、変更なし 0 件。'
	);
	await expect(progress(page)).toHaveJSProperty('value', 1);
	await expectAccessible(page, 'after the commit');
});

test('a file with a My Number is refused whole, without showing the number', async ({ page }) => {
	await openAsStaff(page);
	await choose(
		page,
		'with-my-number.csv',
		Buffer.from(csv(['0000000021,131016,1,,,', `0000000022,131016,1,,,${MY_NUMBER}`], `${HEADER},備考`))
	);

	const alert = page.getByRole('alert');
	await expect(alert).toContainText('3行目に個人番号（マイナンバー）と思われる数字があります');
	await expect(alert).not.toContainText(MY_NUMBER);
	await expect(page.getByRole('region', { name: '取り込み前の確認' })).toHaveCount(0);
	await expect(page.locator('body')).not.toContainText(MY_NUMBER);
	// Nothing was stored: the history has its header row only.
	await expect(history(page)).toHaveCount(1);
});

test('a Shift_JIS file is read and the preview says so', async ({ page }) => {
	await openAsStaff(page);
	await choose(
		page,
		'sjis.csv',
		iconv.encode(
			csv(['0000000031,011002,１－３,,初回', '0000000032,011002,2,2025/3/9,'], `${HEADER.slice(0, -4)},備考`),
			'Shift_JIS'
		)
	);

	const preview = page.getByRole('region', { name: '取り込み前の確認' });
	await expect(preview.getByTestId('register-encoding')).toHaveText('Shift_JIS');
	await expect(preview.getByTestId('register-valid')).toHaveText('2');
	await expect(preview.getByText('備考')).toBeVisible();
	await preview.getByRole('button', { name: '台帳に取り込む' }).click();
	await expect(page.getByRole('status').filter({ hasText: '取り込みました' })).toHaveText(
		'取り込みました：新規 2 件、更新 0 件、変更なし 0 件。'
	);
	await expect(history(page).filter({ hasText: 'sjis.csv' })).toContainText('Shift_JIS');
});
