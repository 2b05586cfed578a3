import { expect, test, type Page } from '@playwright/test';
import { pgliteRows } from '../helpers/ledger-rows';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

async function confirm(page: Page, ticket: string) {
	await scanTicket(page, ticket);
}
const row = (page: Page, grouped: string) => page.locator('.records li').filter({ hasText: grouped });
/** A row's one action: open the record in its dialog. */
async function openRecord(page: Page, grouped: string) {
	await row(page, grouped).getByRole('button').click();
	return page.getByRole('dialog', { name: '記録の内容' });
}

test('a day at one table: doses, a not-vaccinated screening, a correction, a void, search, totals and the close', async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);

	for (const t of ['111310160000000001', '111310160000000002', '121310160000000003']) {
		await confirm(page, t);
		await page.getByRole('button', { name: '記録する' }).click();
	}
	// Screened, not vaccinated: 'other' needs its note.
	await confirm(page, '111310160000000004');
	await page.getByRole('button', { name: '接種不適当', exact: true }).click();
	await page.getByLabel('理由').selectOption('other');
	await page.getByRole('button', { name: '接種不適当として記録' }).click();
	await expect(page.getByRole('alert')).toContainText('補足を入力');
	await page.getByLabel('補足').fill('本人の体調不良の訴え');
	await page.getByRole('button', { name: '接種不適当として記録' }).click();
	await expect(row(page, '0000 000 004')).toContainText('接種不適当');

	// Correct the third (dose 2 → 3, right arm) and void the second, each with a reason.
	let dialog = await openRecord(page, '0000 000 003');
	await dialog.getByRole('button', { name: '訂正' }).click();
	await dialog.getByLabel('接種回数').selectOption('3');
	await dialog.getByLabel('接種部位').selectOption('right-deltoid');
	await dialog.getByLabel('理由', { exact: true }).fill('予診票の回数と照合して訂正');
	await dialog.getByRole('button', { name: '確定' }).click();
	await expect(dialog).toBeHidden();
	await expect(row(page, '0000 000 003')).toContainText('3回目');
	await expect(row(page, '0000 000 003')).toContainText('訂正済');
	dialog = await openRecord(page, '0000 000 002');
	await dialog.getByRole('button', { name: '取消' }).click();
	await dialog.getByLabel('理由', { exact: true }).fill('二重登録');
	await dialog.getByRole('button', { name: '確定' }).click();
	await expect(dialog).toBeHidden();
	await expect(row(page, '0000 000 002')).toContainText('取消済');
	// A voided record opens read-only: nothing more to correct or void.
	dialog = await openRecord(page, '0000 000 002');
	await expect(dialog).toContainText('取消済');
	await expect(dialog.getByRole('button')).toHaveText(['閉じる']);
	await dialog.getByRole('button', { name: '閉じる' }).click();

	// Search and totals: two standing doses of the lot.
	await page.getByLabel('券番号で検索').fill('0003');
	await expect(page.locator('.records li')).toHaveCount(1);
	await page.getByLabel('券番号で検索').fill('');
	await expect(page.getByTestId('totals')).toContainText('ロット FK7789：2 件');

	// Close, on its own screen from the header: 3 records stand (two doses, one screening, one
	// voided not counted); a tally of 4 is flagged first; the counts are confirmed before saving.
	await expect(page.getByLabel('予診票の枚数')).toHaveCount(0);
	await page.getByRole('button', { name: '本日の締め', exact: true }).click();
	await expect(page.getByTestId('close-counts')).toContainText(
		/接種済\s*2 件\s*接種不適当\s*1 件\s*取消（数えません）\s*1 件\s*記録（取消を除く）\s*3 件/
	);
	await page.getByLabel('予診票の枚数').fill('4');
	await expect(page.getByRole('alert')).toContainText('一致しません');
	await page.getByLabel('予診票の枚数').fill('3');
	await page.getByRole('button', { name: '確認へ進む' }).click();
	await expect(page.getByTestId('close-confirm')).toHaveText('予診票 3 枚、記録 3 件で締めます。');
	await page.getByRole('button', { name: '締める', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: '締め済み' }).first()).toBeVisible();
	await page.getByRole('button', { name: '記録に戻る' }).click();
	await expect(page.getByLabel('接種券番号（18桁）')).toHaveCount(0);
	await expect(page.getByTestId('sync-indicator')).toContainText('すべてサーバーに保存済み');

	// The ledger holds every version and the current records.
	await server.stop();
	const records = await pgliteRows<{
		ticket_number: string;
		status: string;
		outcome: string;
		dose_number: number;
		versions: number;
	}>(
		server.dataDir,
		'SELECT ticket_number, status, outcome, dose_number, versions FROM dose_records ORDER BY ticket_number'
	);
	expect(records).toEqual([
		{ ticket_number: '0000000001', status: 'active', outcome: 'dose', dose_number: 1, versions: 1 },
		{ ticket_number: '0000000002', status: 'voided', outcome: 'dose', dose_number: 1, versions: 2 },
		{ ticket_number: '0000000003', status: 'active', outcome: 'dose', dose_number: 3, versions: 2 },
		{ ticket_number: '0000000004', status: 'active', outcome: 'not-vaccinated', dose_number: 1, versions: 1 }
	]);
	const close = await pgliteRows<{ tally: number }>(
		server.dataDir,
		"SELECT (payload->>'paperTally')::int AS tally FROM dose_events WHERE type = 'batch-close'"
	);
	expect(close).toEqual([{ tally: 3 }]);
});
