import { expect, test } from '@playwright/test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { expectOfficeAccessible } from './office-axe';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

// PostgreSQL, so the test can reach the audit table as a database superuser would.
let db: TestDatabase;
const server = useServer(async () => {
	db = await createTestDatabase();
	return { DATABASE_URL: db.url };
});
test.afterEach(async () => {
	await db.drop();
});

test('a supervisor reads the audit log in Japanese, filters it, and a tampered chain is reported broken', async ({
	page
}) => {
	const admin = await OfficeClient.login(server.url);
	const supervisor = await admin.createUser('supervisor', 'kansa-sekininsha');
	await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V009', label: '会場9' }, admin);

	await officeLogin(
		page,
		server.url,
		{ username: supervisor.user.username, password: passwordOf(supervisor.user.username) },
		'/office/audit'
	);
	await expect(page.getByRole('heading', { name: '監査ログ' })).toBeVisible();
	const rows = page.locator('tbody tr');
	const issue = page.locator('tr[data-action="device.enrolment.issue"]');
	await expect(issue).toContainText('端末の登録コード発行');
	await expect(issue).toContainText('V009');
	await expect(issue).toContainText('label: 会場9');
	await expect(page.locator('tr[data-action="user.create"]').first()).toContainText('利用者の追加');
	// Times are shown in Japan time.
	await expect(issue.locator('td').nth(1)).toHaveText(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
	await expectOfficeAccessible(page, 'audit log');

	// Only device actions.
	await page.getByLabel('操作の種類').selectOption('device.');
	await page.getByRole('button', { name: '表示する' }).click();
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toHaveAttribute('data-action', 'device.enrolment.issue');

	// Only what the supervisor did: signing in twice (the API client createUser returned, then this browser).
	await page.getByLabel('操作の種類').selectOption('');
	await page.getByLabel('操作者').selectOption({ label: 'kansa-sekininsha（kansa-sekininsha）' });
	await page.getByRole('button', { name: '表示する' }).click();
	await expect(rows).toHaveCount(2);
	for (const row of await rows.all()) await expect(row).toHaveAttribute('data-action', 'login.ok');

	await page.getByRole('button', { name: 'ハッシュチェーンを検査する' }).click();
	await expect(page.getByRole('status')).toContainText('改ざんは検出されませんでした');

	// Someone with database access rewrites the enrolment entry behind the application's back.
	const seq = (
		await admin.json<{ entries: { seq: number }[] }>('GET', '/api/office/audit?action=device.enrolment.issue')
	).entries[0]!.seq;
	const c = new pg.Client({ connectionString: db.url });
	await c.connect();
	try {
		await c.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
		await c.query(`UPDATE audit_log SET target = 'V001' WHERE seq = $1`, [seq]);
		await c.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
	} finally {
		await c.end();
	}
	await page.getByRole('button', { name: 'ハッシュチェーンを検査する' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		`改ざんを検出しました：${seq} 番の記録が一致しません（内容が書き換えられています）。この記録以降は信頼できません。`
	);
});

test('staff do not see the audit log', async ({ page }) => {
	const staff = await (await OfficeClient.login(server.url)).createUser('staff');
	await officeLogin(page, server.url, { username: staff.user.username, password: passwordOf(staff.user.username) });
	await expect(page.getByRole('link', { name: 'ダッシュボード' })).toBeVisible();
	await expect(page.getByRole('link', { name: '監査ログ' })).toHaveCount(0);
	await page.goto(`${server.url}/office/audit`);
	await expect(page.getByRole('alert')).toContainText('権限がありません');
});
