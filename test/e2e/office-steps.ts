import { expect, type Page } from '@playwright/test';
import { TEST_ADMIN } from '../helpers/office-client';

/** Opens the back office and signs in through the login form; waits until the navigation shows. */
export async function officeLogin(
	page: Page,
	url: string,
	creds: { username: string; password: string } = TEST_ADMIN,
	path = '/office'
): Promise<void> {
	await page.goto(`${url}${path}`);
	await page.getByLabel('ユーザー名').fill(creds.username);
	await page.getByLabel('パスワード', { exact: true }).fill(creds.password);
	await page.getByRole('button', { name: 'ログイン' }).click();
	await expect(page.getByRole('button', { name: 'ログアウト' })).toBeVisible();
}

/** The password test users get from OfficeClient.createUser. */
export const passwordOf = (username: string) => `${username}-password-0123`;
