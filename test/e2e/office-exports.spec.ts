import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type Download } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { DoseEvent, DoseRecordEvent } from '../../shared/index';
import { newId } from '../../shared/ids';
import { VRS_COLUMNS } from '../../shared/office/exports';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

/** WCAG 2.1 AA violations on the page as it is now (axe-core). */
const axeViolations = async (page: Page) =>
	(await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

const server = useServer();

/** The device closes its day; staff review what the rules found and check it; a supervisor approves. */
async function approveThroughWorkflow(device: MemoryDevice, admin: OfficeClient, supervisor: OfficeClient, paperTally: number) {
	const close = { id: newId(), type: 'batch-close', batch: device.batchFor(), device: device.identity.deviceId, operator: 'N001', recordedAt: '2026-11-22T08:00:00.000Z', paperTally } as DoseEvent;
	device.append(close);
	await device.until(() => device.count('receipted') === paperTally + 1);
	const staff = await admin.createUser('staff');
	await staff.json('POST', '/api/office/reconciliation/run');
	const items = (await staff.json<{ items: { id: number }[] }>('GET', `/api/office/reconciliation/items?status=open&batch=${encodeURIComponent(device.batchFor())}`)).items;
	for (const item of items) await staff.json('POST', `/api/office/reconciliation/items/${item.id}/accept`, { note: '確認済み' });
	const path = `/api/office/batches/${device.identity.deviceId}/${device.identity.siteCode}/2026-11-22`;
	await staff.json('POST', `${path}/check`);
	await supervisor.json('POST', `${path}/approve`);
	return path;
}

const bytesOf = async (d: Download) => readFile((await d.path())!);

test('a supervisor exports approved batches as Shift_JIS VRS CSV and downloads the same file again from the history', async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	const supervisor = await admin.createUser('supervisor', 'chief-nurse');
	const device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
	const doses = ['0000000101', '0000000102', '0000000103'].map((ticket, i) => device.doseEvent({ givenAt: `2026-11-22T0${i + 1}:00:00.000Z`, recordedAt: `2026-11-22T0${i + 1}:00:30.000Z` }, ticket) as DoseRecordEvent);
	for (const d of doses) device.append(d);
	device.start();
	const batchPath = await approveThroughWorkflow(device, admin, supervisor, doses.length);
	device.stop();
	await admin.json('PUT', '/api/office/sites', { code: 'V001', name: '市民体育館' });
	await admin.json('PUT', '/api/office/doctors', { code: 'D002', name: '髙橋 一郎' });

	await officeLogin(page, server.url, { username: supervisor.user.username, password: passwordOf('chief-nurse') }, '/office/exports');
	await expect(page.getByRole('heading', { name: '出力（健康管理システム・VRS）' })).toBeVisible();
	await expect(page.getByTestId('export-rows')).toHaveText('出力する行数：3');
	await expect(page.getByTestId('export-batches').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByLabel('Shift_JIS')).toBeChecked();
	expect(await axeViolations(page)).toEqual([]);

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
	expect((await supervisor.json<{ batch: { state: string } }>('GET', batchPath)).batch.state).toBe('exported');
	expect(await axeViolations(page)).toEqual([]);

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
