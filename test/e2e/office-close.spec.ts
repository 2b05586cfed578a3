import { createHash } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { expectOfficeAccessible } from './office-axe';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, scanTicket } from './station-steps';

const server = useServer();

/** Lots, names for the export, a supervisor: what the office has before a venue day. */
async function prepareOffice(url: string) {
	const admin = await OfficeClient.login(url);
	await admin.json('PUT', '/api/admin/lots', {
		product: 'comirnaty',
		lot: 'FK7789',
		expiry: '2030-12-31',
		sites: ['V001']
	});
	await admin.json('PUT', '/api/office/sites', { code: 'V001', name: '市民体育館' });
	await admin.json('PUT', '/api/office/doctors', { code: 'D002', name: '髙橋 一郎' });
	const chief = await admin.createUser('supervisor', 'chief');
	return { admin, chief };
}

/** A real station, enrolled and recording: its page and its browser context (to take it offline). */
async function openStation(browser: Browser, admin: OfficeClient) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url, undefined, admin));
	await fillSession(page);
	return { context, page };
}

async function recordDose(station: Page, ticket: string): Promise<void> {
	await scanTicket(station, ticket);
	await station.getByRole('button', { name: '記録する' }).click();
	await expect(station.getByRole('status').filter({ hasText: '記録しました' })).toBeVisible();
}

/** The station's only batch (today, V001), as the office lists it. */
async function onlyBatch(office: OfficeClient) {
	const { batches } = await office.json<{ batches: { id: string; serviceDay: string; state: string }[] }>(
		'GET',
		'/api/office/batches'
	);
	expect(batches).toHaveLength(1);
	return batches[0]!;
}

/** A per-dose export (接種一覧) as the supervisor's API client makes it (the export page has its own test). */
async function exportDoses(chief: OfficeClient) {
	const res = await chief.request('/api/office/exports', {
		method: 'POST',
		body: { layout: 'doses', encoding: 'shift_jis' }
	});
	expect(res.status).toBe(200);
	const file = Buffer.from(await res.arrayBuffer());
	const rows = (parse(iconv.decode(file, 'cp932')) as string[][]).slice(1);
	return {
		id: res.headers.get('x-export-id')!,
		sha256: res.headers.get('x-export-sha256')!,
		file,
		tickets: rows.map((r) => r[2])
	};
}

async function closeInDialog(page: Page, tally: string, reason: string) {
	const dialog = page.getByRole('dialog', { name: '端末に代わってバッチを締めますか？' });
	await expect(dialog).toBeVisible();
	await dialog.getByLabel('予診票の枚数（紙で数えた枚数）').fill(tally);
	await dialog.getByLabel('理由（例：端末の紛失）').fill(reason);
	await dialog.getByRole('button', { name: '締める', exact: true }).click();
	return dialog;
}

test('a lost tablet: the admin revokes it and sees its open batch; a supervisor closes it with the paper tally, checks, approves and exports it', async ({
	browser
}) => {
	const { admin, chief } = await prepareOffice(server.url);
	const station = await openStation(browser, admin);
	await recordDose(station.page, '111310160000000101');
	await recordDose(station.page, '111310160000000102');
	await expect(station.page.locator('.records li[data-state="receipted"]')).toHaveCount(2);
	const batch = await onlyBatch(admin);
	expect(batch.state).toBe('open');

	// The tablet is lost: the admin revokes it; the page says its batch is still open.
	const officeContext = await browser.newContext();
	const office = await officeContext.newPage();
	await officeLogin(office, server.url, undefined, '/office/devices');
	await office.getByRole('button', { name: '無効化する：会場1 受付A' }).click();
	const confirm = office.getByRole('dialog', { name: '端末を無効化しますか？' });
	await expect(confirm).toContainText('締められていないバッチが 1 件');
	await confirm.getByRole('button', { name: '無効化する' }).click();
	await expect(office.getByRole('status')).toContainText(
		'「会場1 受付A」を無効化しました。締められていないバッチが 1 件あります。'
	);
	const unclosed = office.getByTestId('unclosed-batches');
	await expect(unclosed.locator(`tr[data-open-batch="${batch.id}"]`)).toContainText('会場1 受付A');
	await expect(unclosed.locator(`tr[data-open-batch="${batch.id}"]`)).toContainText('無効化済');
	await expectOfficeAccessible(office, 'devices with open batches');
	await expect(station.page.getByRole('alert')).toContainText('この端末は無効化されたため');

	// The admin may open the batch but not close it: that is the supervisor's.
	await unclosed.getByRole('link', { name: `バッチを開いて締める：会場1 受付A ${batch.serviceDay}` }).click();
	await expect(office.getByTestId('batch-state')).toHaveText('受信中');
	await expect(office.getByRole('button', { name: '端末に代わって締める' })).toHaveCount(0);
	await office.getByRole('button', { name: 'ログアウト' }).click();

	await officeLogin(
		office,
		server.url,
		{ username: 'chief', password: passwordOf('chief') },
		`/office/batches/${batch.id}`
	);
	await expect(office.getByRole('heading', { name: /会場1 受付A・無効化済/ })).toBeVisible();
	await office.getByRole('button', { name: '端末に代わって締める' }).click();
	await expect(office.getByRole('dialog')).toContainText('台帳にある記録は 2 件です');
	await expectOfficeAccessible(office, 'close dialog');
	await closeInDialog(office, '2', '端末紛失（警察に遺失届を提出）');
	await expect(office.getByRole('status')).toHaveText('予診票 2 枚で締めました。');
	await expect(office.getByTestId('batch-state')).toHaveText('受領済');
	await expect(office.getByTestId('batch-closed-by')).toContainText('chief が端末に代わって締めました');
	await expect(office.getByTestId('batch-closed-by')).toContainText('端末紛失（警察に遺失届を提出）');

	await office.getByRole('button', { name: '確認済にする' }).click();
	await expect(office.getByTestId('batch-state')).toHaveText('確認済');
	await office.getByRole('button', { name: '承認する' }).click();
	await expect(office.getByTestId('batch-state')).toHaveText('承認済');
	const exported = await exportDoses(chief);
	expect(exported.tickets).toEqual(['0000000101', '0000000102']);
	await office.reload();
	await expect(office.getByTestId('batch-state')).toHaveText('出力済');

	// The devices page no longer lists it.
	await office.getByRole('button', { name: 'ログアウト' }).click();
	await officeLogin(office, server.url, undefined, '/office/devices');
	await expect(office.locator('tr[data-device] [data-status]')).toHaveText('無効化済');
	await expect(office.getByTestId('unclosed-batches')).toHaveCount(0);
	await officeContext.close();
	await station.context.close();
});

test('a tablet the office closed comes back online: its late dose reopens the exported batch, is reviewed and goes out in a follow-up export; the first file is unchanged', async ({
	browser
}) => {
	const { admin, chief } = await prepareOffice(server.url);
	const station = await openStation(browser, admin);
	await recordDose(station.page, '111310160000000201');
	await expect(station.page.locator('.records li[data-state="receipted"]')).toHaveCount(1);
	// Out of reach (a basement without network), the tablet records one more dose; then it is
	// not brought back to the health centre for days.
	await station.context.setOffline(true);
	await recordDose(station.page, '111310160000000202');
	await expect(station.page.locator('.records li[data-state="local"]')).toHaveCount(1);
	const batch = await onlyBatch(admin);

	// The supervisor closes it from the batches list with the two paper forms the office has.
	const officeContext = await browser.newContext();
	const office = await officeContext.newPage();
	await officeLogin(office, server.url, { username: 'chief', password: passwordOf('chief') }, '/office/batches');
	const row = office.locator(`tr[data-batch="${batch.id}"]`);
	await expect(row.locator('[data-state]')).toHaveText('受信中');
	await row.getByRole('button', { name: `端末に代わって締める：会場1 受付A ${batch.serviceDay}` }).click();
	// A reason of blanks is refused by the server, said in the dialog, and nothing is closed.
	const dialog = await closeInDialog(office, '2', '   ');
	await expect(dialog.getByRole('alert')).toHaveText('端末に代わって締める理由を入力してください（紛失・故障など）。');
	await dialog.getByLabel('理由（例：端末の紛失）').fill('端末が会場から戻らないため予診票で締める');
	await dialog.getByRole('button', { name: '締める', exact: true }).click();
	await expect(office.getByRole('status')).toHaveText('予診票 2 枚で締めました。');
	await expect(row.locator('[data-state]')).toHaveText('受領済');

	// One record against two forms: the office accepts the mismatch, checks, approves, exports.
	const path = `/api/office/batches/${batch.id}`;
	const mismatch = (
		await chief.json<{ items: { id: number; reason: string }[] }>(
			'GET',
			`/api/office/reconciliation/items?status=open&batch=${encodeURIComponent(batch.id)}`
		)
	).items;
	expect(mismatch.map((i) => i.reason)).toEqual(['tally-mismatch']);
	await chief.json('POST', `/api/office/reconciliation/items/${mismatch[0]!.id}/accept`, {
		note: '1枚分は端末に残っている'
	});
	await chief.json('POST', `${path}/check`);
	await chief.json('POST', `${path}/approve`);
	const first = await exportDoses(chief);
	expect(first.tickets).toEqual(['0000000201']);

	// The tablet is back in reach: its dose is accepted and receipted as any other.
	await station.context.setOffline(false);
	await expect(station.page.locator('.records li[data-state="receipted"]')).toHaveCount(2);
	await expect
		.poll(async () => (await chief.json<{ batch: { state: string; openItems: number } }>('GET', path)).batch)
		.toMatchObject({ state: 'received', openItems: 1 });

	await office.goto(`${server.url}/office/queue`);
	const item = office.locator('tr[data-reason="late-after-close"]');
	await expect(item).toContainText('代理で締めた後に端末から届いた記録');
	await expect(item).toContainText('締めた後に届いた記録・訂正・取消: 1');
	await expectOfficeAccessible(office, 'queue with a late-after-close item');
	await item.getByRole('button', { name: '了承（メモ）' }).click();
	await office.getByLabel('メモ（了承の理由）').fill('予診票2枚目と照合済み');
	await office.getByRole('button', { name: '実行', exact: true }).click();
	await expect(office.getByRole('status')).toContainText('処理しました');

	await office.goto(`${server.url}/office/batches/${batch.id}`);
	await expect(office.getByTestId('batch-state')).toHaveText('受領済');
	await office.getByRole('button', { name: '確認済にする' }).click();
	await expect(office.getByTestId('batch-state')).toHaveText('確認済');
	await office.getByRole('button', { name: '承認する' }).click();
	await expect(office.getByTestId('batch-state')).toHaveText('承認済');

	// The follow-up export holds the late dose only (the first went out already); the first file
	// downloads byte for byte as made.
	const second = await exportDoses(chief);
	expect(second.tickets).toEqual(['0000000202']);
	const again = await chief.request(`/api/office/exports/${first.id}/file`);
	const bytes = Buffer.from(await again.arrayBuffer());
	expect(bytes.equals(first.file)).toBe(true);
	expect(createHash('sha256').update(bytes).digest('hex')).toBe(first.sha256);
	await officeContext.close();
	await station.context.close();
});
