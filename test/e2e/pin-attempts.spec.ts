import { expect, test, type Page } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, scanTicket, unlockStation } from './station-steps';

// Past days' receipted batches stay (30 days), so the erasure after wrong PINs has a receipted
// batch of another day to remove next to today's unreceipted one.
const server = useServer({ RETENTION_DAYS: '30' });

const DAY = 86_400_000;

/** Batch ids (their service days) and sync states of the station's IndexedDB, and whether its identity is there. */
function stored(page: Page) {
	return page.evaluate(
		() =>
			new Promise<{ identity: boolean; events: string[] }>((resolve) => {
				const open = indexedDB.open('vaccination-station');
				open.onsuccess = () => {
					const tx = open.result.transaction(['meta', 'events']);
					const meta = tx.objectStore('meta').get('identity');
					const events = tx.objectStore('events').getAll();
					tx.oncomplete = () => {
						const rows = events.result as { batchId: string; state: string }[];
						resolve({
							identity: meta.result !== undefined,
							events: rows.map((r) => `${r.batchId.split('/')[2]} ${r.state}`).sort()
						});
						open.result.close();
					};
				};
			})
	);
}

/**
 * Reads a ticket with the wedge scanner and saves the dose. Right after the page's clock jumps,
 * the burst may be taken for typing by hand, which asks for the number again: then it is read
 * a second time, as a person would.
 */
async function recordDose(page: Page, ticket: string): Promise<void> {
	await scanTicket(page, ticket);
	const again = page.getByRole('status').filter({ hasText: 'もう一度入力' });
	const save = page.getByRole('button', { name: '記録する' });
	await expect(save.or(again)).toBeVisible();
	if (await again.isVisible()) await scanTicket(page, ticket);
	await save.click();
}

/** One wrong PIN at the lock screen; returns the error shown. */
async function wrongPin(page: Page): Promise<string> {
	await unlockStation(page, '000000');
	const error = page.getByTestId('unlock-error');
	await expect(error).toBeVisible();
	await expect(page.getByRole('button', { name: 'ロック解除' })).toBeEnabled();
	return (await error.textContent()) ?? '';
}

/**
 * Wrong PINs through the lock screen: five are free, then each waits longer (30 s, 1, 2, 4, 8
 * minutes: the page's clock is Playwright's, fast-forwarded), and the tenth erases what the
 * server has receipted. Returns the text after the tenth, when the station did not erase
 * everything (it is then still locked).
 */
async function tenWrongPins(page: Page): Promise<void> {
	for (let i = 1; i <= 4; i++) {
		const text = (await wrongPin(page)).trim();
		expect(text).toContain('担当者コードまたは暗証番号が正しくありません。');
		if (i >= 3) expect(text).toContain(`あと${10 - i}回誤ると`);
	}
	expect(await wrongPin(page)).toContain('30秒後まで入力できません');
	// Within the wait nothing is tried, and nothing is counted.
	expect((await wrongPin(page)).trim()).toMatch(/^暗証番号の誤りが続いたため、(30|29)秒後まで入力できません。$/);
	await page.clock.fastForward(30_000);
	expect(await wrongPin(page)).toContain('1分後まで入力できません');
	for (const [wait, next] of [
		[60_000, '2分後'],
		[120_000, '4分後'],
		[240_000, '8分後']
	] as const) {
		await page.clock.fastForward(wait);
		expect(await wrongPin(page)).toContain(next);
	}
	await page.clock.fastForward(480_000);
	await unlockStation(page, '000000');
}

test('ten wrong PINs erase keys and records when the server has receipted every record; the station must enrol again', async ({
	page
}) => {
	await page.clock.install();
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await recordDose(page, '111310160000000001');
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);
	await page.getByRole('button', { name: 'ロック', exact: true }).click();

	await tenWrongPins(page);
	await expect(page.getByRole('alert')).toContainText('この端末の鍵と記録を消去しました');
	await expect(page.getByLabel('登録コード')).toBeVisible();
	expect(await stored(page)).toEqual({ identity: false, events: [] });
});

test('ten wrong PINs with a record not yet receipted erase only receipted batches and keep the key; the right PIN still opens it', async ({
	page,
	context
}) => {
	// Yesterday: a dose receipted online. Today: one recorded offline, not yet receipted.
	const now = Date.now();
	await page.clock.install({ time: new Date(now - DAY) });
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await recordDose(page, '111310160000000001');
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);
	await context.setOffline(true);
	await page.clock.setSystemTime(new Date(now));
	await recordDose(page, '111310160000000002');
	await expect(page.locator('.records li')).toHaveCount(2);
	const yesterday = (await stored(page)).events.find((e) => e.endsWith('receipted'))!.split(' ')[0]!;
	const today = (await stored(page)).events.find((e) => !e.endsWith('receipted'))!.split(' ')[0]!;
	expect(yesterday < today).toBe(true);
	await page.getByRole('button', { name: 'ロック', exact: true }).click();

	await tenWrongPins(page);
	const error = page.getByTestId('unlock-error');
	await expect(error).toContainText('サーバーに受領済みの記録をこの端末から消去しました');
	await expect(error).toContainText('15分後まで入力できません');
	expect(await stored(page)).toEqual({ identity: true, events: [`${today} local`] });

	// Even the right PIN waits its turn; then it opens the record the server does not have yet.
	await unlockStation(page);
	await expect(error).toHaveText(/^暗証番号の誤りが続いたため、(15分|14分\d+秒)後まで入力できません。$/);
	await page.clock.fastForward(15 * 60_000);
	await unlockStation(page);
	await expect(page.locator('.records li')).toHaveCount(1);
	await expect(page.locator('.records li')).toContainText('0000 000 002');
	await context.setOffline(false);
	await expect(page.locator('.records li[data-state="receipted"]')).toHaveCount(1);
	// A right PIN starts the count again: one wrong one costs nothing.
	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	expect((await wrongPin(page)).trim()).toBe('担当者コードまたは暗証番号が正しくありません。');
});
