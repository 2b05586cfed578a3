import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type Download } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { DoseEvent, DoseRecordEvent } from '#shared/index';
import { newId } from '#shared/ids';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

/** WCAG 2.1 AA violations on the page as it is now (axe-core). */
const axeViolations = async (page: Page) =>
	(await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations.map(
		(v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);

const server = useServer();

/** The device closes its day; staff review what the rules found and check it; a supervisor approves. */
async function approveThroughWorkflow(
	device: MemoryDevice,
	admin: OfficeClient,
	supervisor: OfficeClient,
	paperTally: number
) {
	const close = {
		id: newId(),
		type: 'batch-close',
		batch: device.batchFor(),
		device: device.identity.deviceId,
		operator: 'N001',
		recordedAt: '2026-11-22T08:00:00.000Z',
		paperTally
	} as DoseEvent;
	device.append(close);
	await device.until(() => device.count('receipted') === paperTally + 1);
	const staff = await admin.createUser('staff');
	await staff.json('POST', '/api/office/reconciliation/run');
	const items = (
		await staff.json<{ items: { id: number }[] }>(
			'GET',
			`/api/office/reconciliation/items?status=open&batch=${encodeURIComponent(device.batchFor())}`
		)
	).items;
	for (const item of items)
		await staff.json('POST', `/api/office/reconciliation/items/${item.id}/accept`, { note: '確認済み' });
	const path = `/api/office/batches/${device.identity.deviceId}/${device.identity.siteCode}/2026-11-22`;
	await staff.json('POST', `${path}/check`);
	await supervisor.json('POST', `${path}/approve`);
	return path;
}

const bytesOf = async (d: Download) => readFile((await d.path())!);

/** The published VRS columns of one dose (接種記録データの確認方法), written out here. */
const DOSE_COLUMNS = [
	'接種履歴登録日時',
	'接種日',
	'券番号',
	'接種自治体コード',
	'接種会場名',
	'接種医師名',
	'ワクチンメーカー',
	'ワクチンロット番号'
];
const MAX_DOSE = 6;
const HEADER = [
	'個別宛名番号',
	...Array.from({ length: MAX_DOSE }, (_, i) => DOSE_COLUMNS.map((c) => `${i + 1}回目${c}`)).flat()
];
/** A line of the VRS file: empty 個別宛名番号, then each dose number's eight values (empty when not given). */
const line = (groups: Record<number, string[]>) => [
	'',
	...Array.from({ length: MAX_DOSE }, (_, i) => groups[i + 1] ?? Array<string>(8).fill('')).flat()
];
/** The file as a municipal system reads it: Shift_JIS (CP932), CSV. */
const readSjisCsv = (bytes: Buffer) => parse(iconv.decode(bytes, 'Shift_JIS')) as string[][];

test('a supervisor exports the VRS ledger file per municipality as Shift_JIS, one line per person, and downloads the same file again', async ({
	page
}) => {
	const admin = await OfficeClient.login(server.url);
	const supervisor = await admin.createUser('supervisor', 'chief-nurse');
	const device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
	// Tickets 101 and 102 of this municipality (101 has its first and second dose), and 103 of 新宿区 (131041).
	const doses = (
		[
			['0000000101', 1, '131016'],
			['0000000102', 1, '131016'],
			['0000000103', 1, '131041'],
			['0000000101', 2, '131016']
		] as const
	).map(
		([ticket, n, municipality], i) =>
			device.doseEvent(
				{
					givenAt: `2026-11-22T0${i + 1}:00:00.000Z`,
					recordedAt: `2026-11-22T0${i + 1}:00:30.000Z`,
					doseNumber: n,
					ticketDose: n,
					municipality,
					otherMunicipality: municipality !== '131016'
				},
				ticket
			) as DoseRecordEvent
	);
	for (const d of doses) device.append(d);
	device.start();
	const batchPath = await approveThroughWorkflow(device, admin, supervisor, doses.length);
	device.stop();
	await admin.json('PUT', '/api/office/sites', { code: 'V001', name: '市民体育館' });
	await admin.json('PUT', '/api/office/doctors', { code: 'D002', name: '髙橋 一郎' });

	await officeLogin(
		page,
		server.url,
		{ username: supervisor.user.username, password: passwordOf('chief-nurse') },
		'/office/exports'
	);
	await expect(page.getByRole('heading', { name: '出力（健康管理システム・VRS）' })).toBeVisible();
	await expect(page.getByLabel('VRS形式（予防接種台帳向け・接種券ごとに1行）')).toBeChecked();
	await expect(page.getByTestId('vrs-note')).toContainText('差分ではなく台帳の写し');
	// The municipalities the batch holds, with their lines; the deployment's is chosen.
	const municipality = page.getByLabel('市町村（接種券の市町村コード）');
	await expect(municipality.locator('option')).toHaveText(['131016（この自治体）：2行', '131041：1行']);
	await expect(municipality).toHaveValue('131016');
	await expect(page.getByTestId('export-rows')).toHaveText('出力する行数（接種券の数）：2');
	await expect(page.getByTestId('export-batches').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByLabel('Shift_JIS')).toBeChecked();
	expect(await axeViolations(page)).toEqual([]);

	const downloading = page.waitForEvent('download');
	await page.getByRole('button', { name: '出力してダウンロード' }).click();
	const download = await downloading;
	const fileName = '接種記録_VRS形式_131016_20261122-20261122_SJIS.csv';
	expect(download.suggestedFilename()).toBe(fileName);
	const bytes = await bytesOf(download);
	const [header, ...rows] = readSjisCsv(bytes);
	expect(header).toEqual(HEADER);
	const group = (i: number) => [
		`20261122${String(10 + i)}0030`,
		'20261122',
		doses[i]!.ticketNumber,
		doses[i]!.municipality,
		'市民体育館',
		'髙橋 一郎',
		'ファイザー',
		doses[i]!.vaccine.lot
	];
	// One line per person: ticket 101 holds its first and second dose, ticket 102 its first; 103 is 新宿区's.
	expect(rows).toEqual([line({ 1: group(0), 2: group(3) }), line({ 1: group(1) })]);
	expect(rows.every((r) => r.length === 1 + 8 * MAX_DOSE)).toBe(true);
	expect(iconv.decode(bytes, 'Shift_JIS').split('\r\n')).toHaveLength(4);
	await expect(page.getByRole('status')).toHaveText(`${fileName} を出力しました。`);

	// The batch is exported; this municipality has nothing left, 新宿区's ticket still waits for its own file.
	expect((await supervisor.json<{ batch: { state: string } }>('GET', batchPath)).batch.state).toBe('exported');
	await expect(
		page.getByText('市町村コード 131016 の接種券で、まだVRS形式で出力していない接種を含むバッチはありません。')
	).toBeVisible();
	await expect(municipality.locator('option')).toHaveText(['131016（この自治体）：0行', '131041：1行']);
	await municipality.selectOption('131041');
	await expect(page.getByTestId('export-rows')).toHaveText('出力する行数（接種券の数）：1');
	await expect(page.getByTestId('export-batches').locator('tbody tr')).toContainText('出力済');
	const otherDownload = page.waitForEvent('download');
	await page.getByRole('button', { name: '出力してダウンロード' }).click();
	const other = await otherDownload;
	expect(other.suggestedFilename()).toBe('接種記録_VRS形式_131041_20261122-20261122_SJIS.csv');
	const [, ...otherRows] = readSjisCsv(await bytesOf(other));
	expect(otherRows).toEqual([line({ 1: group(2) })]);
	expect(otherRows[0]![4]).toBe('131041');

	// The history names who exported what, for which municipality.
	const sha = createHash('sha256').update(bytes).digest('hex');
	const entries = page.getByTestId('export-history').locator('tbody tr');
	await expect(entries).toHaveCount(2);
	const entry = entries.filter({ hasText: fileName });
	await expect(entry).toContainText('chief-nurse');
	await expect(entry).toContainText('VRS形式（131016）');
	await expect(entry).toContainText(sha.slice(0, 16));
	expect(await axeViolations(page)).toEqual([]);

	const again = page.waitForEvent('download');
	await entry.getByRole('button', { name: /再ダウンロード/ }).click();
	expect((await bytesOf(await again)).equals(bytes)).toBe(true);
});

test('the dose list (接種一覧) keeps one line per dose', async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	const supervisor = await admin.createUser('supervisor', 'chief-nurse');
	const device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
	const doses = ['0000000201', '0000000202'].map(
		(ticket, i) =>
			device.doseEvent(
				{ givenAt: `2026-11-22T0${i + 1}:00:00.000Z`, recordedAt: `2026-11-22T0${i + 1}:00:30.000Z` },
				ticket
			) as DoseRecordEvent
	);
	for (const d of doses) device.append(d);
	device.start();
	await approveThroughWorkflow(device, admin, supervisor, doses.length);
	device.stop();
	await admin.json('PUT', '/api/office/sites', { code: 'V001', name: '市民体育館' });
	await admin.json('PUT', '/api/office/doctors', { code: 'D002', name: '髙橋 一郎' });

	await officeLogin(
		page,
		server.url,
		{ username: supervisor.user.username, password: passwordOf('chief-nurse') },
		'/office/exports'
	);
	await page.getByLabel('接種一覧（接種済のみ・1接種1行・8項目）').check();
	await expect(page.getByTestId('export-rows')).toHaveText('出力する行数：2');
	await expect(page.getByLabel('市町村（接種券の市町村コード）')).toHaveCount(0);
	const downloading = page.waitForEvent('download');
	await page.getByRole('button', { name: '出力してダウンロード' }).click();
	const download = await downloading;
	expect(download.suggestedFilename()).toBe('接種記録_接種一覧_20261122-20261122_SJIS.csv');
	const [header, ...rows] = readSjisCsv(await bytesOf(download));
	expect(header).toEqual(DOSE_COLUMNS);
	expect(rows).toEqual(
		doses.map((d, i) => [
			`2026/11/22 ${String(10 + i)}:00:30`,
			'2026/11/22',
			d.ticketNumber,
			'131016',
			'市民体育館',
			'髙橋 一郎',
			'ファイザー',
			d.vaccine.lot
		])
	);
});

test('staff do not see exports and the API refuses them', async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	const staff = await admin.createUser('staff', 'clerk');
	await officeLogin(page, server.url, { username: 'clerk', password: passwordOf('clerk') });
	await expect(page.getByRole('navigation').getByRole('link', { name: 'ロット' })).toBeVisible();
	await expect(page.getByRole('navigation').getByRole('link', { name: '出力' })).toHaveCount(0);
	expect(
		(await staff.request('/api/office/exports', { method: 'POST', body: { layout: 'vrs', encoding: 'shift_jis' } }))
			.status
	).toBe(403);
});
