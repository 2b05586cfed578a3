import { expect, test } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { OfficeClient, TEST_ADMIN } from '../helpers/office-client';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

test.describe('first run', () => {
	let server: ServerProcess;
	test.beforeEach(async () => {
		server = await startServerProcess({}, undefined, { setUpAdmin: false });
	});
	test.afterEach(async () => {
		await server.cleanup();
	});

	test('the first administrator is created from the link printed at start-up, once', async ({ page }) => {
		expect(server.setupToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
		await page.goto(`${server.url}/office/setup#${server.setupToken}`);
		// The token leaves the address bar at once (no history entry, no Referer).
		await expect(page).toHaveURL(`${server.url}/office/setup`);
		await page.getByLabel('ユーザー名').fill('chief');
		await page.getByLabel('氏名（表示名）').fill('保健 太郎');
		await page.getByLabel('パスワード', { exact: true }).fill('first-admin-password');
		await page.getByLabel('パスワード（確認）').fill('first-admin-password');
		await page.getByRole('button', { name: '作成する' }).click();
		await expect(page.getByRole('navigation').getByRole('link', { name: '利用者' })).toBeVisible();
		await expect(page.getByText('保健 太郎（管理者）')).toBeVisible();

		// The same link again: refused.
		await page.goto(`${server.url}/office/setup#${server.setupToken}`);
		await page.getByLabel('ユーザー名').fill('second');
		await page.getByLabel('氏名（表示名）').fill('x');
		await page.getByLabel('パスワード', { exact: true }).fill('second-admin-password');
		await page.getByLabel('パスワード（確認）').fill('second-admin-password');
		await page.getByRole('button', { name: '作成する' }).click();
		await expect(page.getByRole('alert')).toHaveText('初期設定は完了しています。');
	});
});

test.describe('sign-in and roles', () => {
	const server = useServer();

	test('an admin adds a staff member, who sees only the pages of their role', async ({ page }) => {
		await officeLogin(page, server.url);
		await page.getByRole('link', { name: '利用者' }).click();
		const form = page.locator('form', { has: page.getByRole('heading', { name: '利用者を追加' }) });
		await form.getByLabel('ユーザー名').fill('clerk');
		await form.getByLabel('氏名（表示名）').fill('受付 花子');
		await form.getByLabel('役割').selectOption('staff');
		await form.getByLabel('初期パスワード（12文字以上）').fill(passwordOf('clerk'));
		await form.getByRole('button', { name: '追加する' }).click();
		await expect(page.getByRole('status')).toHaveText('clerk を追加しました。');
		await expect(page.locator('tr[data-username="clerk"]')).toContainText('受付 花子');

		await page.getByRole('button', { name: 'ログアウト' }).click();
		await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
		await page.getByLabel('ユーザー名').fill('clerk');
		await page.getByLabel('パスワード', { exact: true }).fill('wrong-password-000');
		await page.getByRole('button', { name: 'ログイン' }).click();
		await expect(page.getByRole('alert')).toHaveText('ユーザー名またはパスワードが正しくありません。');
		await page.getByLabel('パスワード', { exact: true }).fill(passwordOf('clerk'));
		await page.getByRole('button', { name: 'ログイン' }).click();
		await expect(page.getByText('受付 花子（担当者）')).toBeVisible();
		const nav = page.getByRole('navigation');
		await expect(nav.getByRole('link', { name: '照合キュー' })).toBeVisible();
		await expect(nav.getByRole('link', { name: '利用者' })).toHaveCount(0);
		await expect(nav.getByRole('link', { name: '端末' })).toHaveCount(0);
		// Typing the address does not help: the API refuses and the page says so.
		await page.goto(`${server.url}/office/users`);
		await expect(page.getByRole('alert')).toContainText('この操作の権限がありません');
	});

	test('a browser that never signed in is not told its session expired; one whose session ended is', async ({
		page
	}) => {
		await page.goto(`${server.url}/office`);
		await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
		await expect(page.getByText('セッションの有効期限が切れました')).toHaveCount(0);

		await officeLogin(page, server.url);
		// The session ends on the server (as after the idle timeout): the next call finds none.
		await page.context().clearCookies();
		await page.getByRole('link', { name: '利用者' }).click();
		await expect(page.getByText('セッションの有効期限が切れました。もう一度ログインしてください。')).toBeVisible();
		await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
	});

	test('with a second factor, sign-in asks for the authenticator code', async ({ page }) => {
		await officeLogin(page, server.url);
		await page.getByRole('link', { name: 'アカウント' }).click();
		await page.getByRole('button', { name: '設定を始める' }).click();
		await expect(page.locator('.qr svg')).toBeVisible();
		const secret = (await page.getByTestId('totp-secret').textContent())!;
		const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6 });
		await page.getByLabel('認証アプリに表示された6桁').fill(totp.generate());
		await page.getByRole('button', { name: '確認して有効にする' }).click();
		await expect(page.getByRole('status')).toHaveText('2段階認証を有効にしました。次回から確認コードが必要です。');

		await page.getByRole('button', { name: 'ログアウト' }).click();
		await page.getByLabel('ユーザー名').fill(TEST_ADMIN.username);
		await page.getByLabel('パスワード', { exact: true }).fill(TEST_ADMIN.password);
		await page.getByRole('button', { name: 'ログイン' }).click();
		const codeField = page.getByLabel('確認コード（認証アプリの6桁）');
		await expect(codeField).toBeFocused();
		await codeField.fill('000000' === totp.generate() ? '111111' : '000000');
		await page.getByRole('button', { name: 'ログイン' }).click();
		await expect(page.getByRole('alert')).toHaveText('確認コードが正しくないか、使用済みです。');
		// The next time step's code (the one that enabled the factor cannot be reused).
		await codeField.fill(totp.generate({ timestamp: Date.now() + 30_000 }));
		await page.getByRole('button', { name: 'ログイン' }).click();
		await expect(page.getByRole('button', { name: 'ログアウト' })).toBeVisible();
		// The account API agrees.
		const api = OfficeClient.login(server.url);
		await expect(api).rejects.toMatchObject({ code: 'TOTP_REQUIRED' });
	});
});
