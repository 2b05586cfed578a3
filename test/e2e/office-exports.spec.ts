import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test, type Download } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import pg from 'pg';
import type { DoseRecordEvent } from '../../shared/index';
import { VRS_COLUMNS } from '../../shared/office/exports';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

/*
 * On PostgreSQL, so the test can put a batch in the 'approved' state with SQL while the server
 * runs (the reconciliation workflow that approves batches has its own tests).
 */
let db: TestDatabase;
const server = useServer(async () => {
	db = await createTestDatabase();
	return { DATABASE_URL: db.url };
});
test.afterEach(async () => {
	await db.drop();
});

async function sql(text: string, params: unknown[] = []) {
	const c = new pg.Client({ connectionString: db.url });
	await c.connect();
	try {
		return (await c.query(text, params)).rows;
	} finally {
		await c.end();
	}
}

const bytesOf = async (d: Download) => readFile((await d.path())!);

test('a supervisor exports approved batches as Shift_JIS VRS CSV and downloads the same file again from the history', async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	const supervisor = await admin.createUser('supervisor', 'chief-nurse');
	const device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
	const doses = ['0000000101', '0000000102', '0000000103'].map((ticket, i) => device.doseEvent({ givenAt: `2026-11-22T0${i + 1}:00:00.000Z`, recordedAt: `2026-11-22T0${i + 1}:00:30.000Z` }, ticket) as DoseRecordEvent);
	for (const d of doses) device.append(d);
	device.start();
	await device.until(() => device.count('receipted') === doses.length);
	device.stop();
	await sql("UPDATE batches SET state = 'approved' WHERE id = $1", [device.batchFor()]);
	await admin.json('PUT', '/api/office/sites', { code: 'V001', name: '市民体育館' });
	await admin.json('PUT', '/api/office/doctors', { code: 'D002', name: '髙橋 一郎' });

	await officeLogin(page, server.url, { username: supervisor.user.username, password: passwordOf('chief-nurse') }, '/office/exports');
	await expect(page.getByRole('heading', { name: '出力（健康管理システム・VRS）' })).toBeVisible();
	await expect(page.getByTestId('export-rows')).toHaveText('出力する行数：3');
	await expect(page.getByTestId('export-batches').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByLabel('Shift_JIS')).toBeChecked();

	const downloading = page.waitForEvent('download');
	await page.getByRole('button', { name: '出力してダウンロード' }).click();
	const download = await downloading;
	expect(download.suggestedFilename()).toBe('接種記録_VRS形式_20261122-20261122_SJIS.csv');
	const bytes = await bytesOf(download);
	const [header, ...rows] = parse(iconv.decode(bytes, 'cp932')) as string[][];
	expect(header).toEqual([...VRS_COLUMNS]);
	expect(rows).toEqual(
		doses.map((d, i) => [`2026/11/22 ${String(10 + i)}:00:30`, '2026/11/22', d.ticketNumber, '131016', '市民体育館', '髙橋 一郎', 'ファイザー', d.vaccine.lot])
	);
	await expect(page.getByRole('status')).toHaveText('接種記録_VRS形式_20261122-20261122_SJIS.csv を出力しました。');

	// The history names who exported what; the batch is exported and nothing is left to export.
	const sha = createHash('sha256').update(bytes).digest('hex');
	const entry = page.getByTestId('export-history').locator('tbody tr');
	await expect(entry).toHaveCount(1);
	await expect(entry).toContainText('chief-nurse');
	await expect(entry).toContainText(sha.slice(0, 16));
	await expect(page.getByText('条件に合う承認済みのバッチはありません。')).toBeVisible();
	expect(await sql('SELECT state FROM batches')).toEqual([{ state: 'exported' }]);

	const again = page.waitForEvent('download');
	await entry.getByRole('button', { name: /再ダウンロード/ }).click();
	expect((await bytesOf(await again)).equals(bytes)).toBe(true);
});

test('staff do not see exports and the API refuses them', async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	const staff = await admin.createUser('staff', 'clerk');
	await officeLogin(page, server.url, { username: 'clerk', password: passwordOf('clerk') });
	await expect(page.getByRole('navigation').getByRole('link', { name: 'ロット' })).toBeVisible();
	await expect(page.getByRole('navigation').getByRole('link', { name: '出力' })).toHaveCount(0);
	expect((await staff.request('/api/office/exports', { method: 'POST', body: { layout: 'vrs', encoding: 'shift_jis' } })).status).toBe(403);
});
