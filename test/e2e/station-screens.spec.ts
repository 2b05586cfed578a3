import { expect, test, type Page } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { serviceDateOf } from '#shared/index';
import { cartonCode, enrolStation, fillSession, scanLot, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

/**
 * The station's screens as a walk through a real shift found them (issue 15): the header, the
 * confirmation, the saved feedback and today's list, on a 10-inch tablet either way up.
 */
const server = useServer();

const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };

async function startShift(page: Page) {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
}

async function record(page: Page, ticket: string) {
	await scanTicket(page, ticket);
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.getByTestId('saved')).toContainText('記録しました');
}

/** The header's visible parts, and whether they all sit on one row. */
async function headerRow(page: Page) {
	return page.locator('header.bar').evaluate((bar) => {
		const boxes = [...bar.children].map((el) => el.getBoundingClientRect()).filter((b) => b.width > 1 && b.height > 1);
		return {
			height: Math.round(bar.getBoundingClientRect().height),
			oneRow: Math.max(...boxes.map((b) => b.top)) < Math.min(...boxes.map((b) => b.bottom)),
			overflows: bar.scrollWidth > bar.clientWidth
		};
	});
}

for (const [name, viewport] of [
	['landscape 1280×800', LANDSCAPE],
	['portrait 800×1280', PORTRAIT]
] as const) {
	test(`the header keeps to one row and the ticket field is in view after starting: ${name}`, async ({ page }) => {
		await page.setViewportSize(viewport);
		await startShift(page);

		// Started from the bottom of the settings form: the ticket card below the sticky header, its field focused.
		const field = page.getByLabel('接種券番号（18桁）');
		await expect(field).toBeFocused();
		const header = (await page.locator('header.bar').boundingBox())!;
		const heading = (await page.getByRole('heading', { name: '接種券の読み取り' }).boundingBox())!;
		expect(heading.y).toBeGreaterThanOrEqual(header.y + header.height);
		expect((await field.boundingBox())!.y + (await field.boundingBox())!.height).toBeLessThanOrEqual(viewport.height);

		const before = await headerRow(page);
		expect(before).toMatchObject({ oneRow: true, overflows: false });
		// The first receipt brings 最終受領 into the sync indicator: the header stays as it was.
		await record(page, '111310160000012345');
		await expect(page.getByTestId('sync-indicator')).toContainText('最終受領');
		expect(await headerRow(page)).toEqual(before);
		// A record waiting to be sent, and the English labels: still one row.
		await page.context().setOffline(true);
		await record(page, '111310160000067890');
		await expect(page.getByTestId('sync-indicator')).toContainText('未受領 1 件');
		expect(await headerRow(page)).toEqual(before);
		await page.getByRole('button', { name: 'English' }).click();
		await expect(page.getByTestId('sync-indicator')).toContainText('1 not receipted');
		expect(await headerRow(page)).toEqual(before);
		await page.getByRole('button', { name: '日本語' }).click();
	});
}

test('the confirmation: 接種不適当 apart from 戻る and 記録する, the municipality code grouped and large', async ({
	page
}) => {
	await startShift(page);
	await scanTicket(page, '111310160000012345');
	const box = async (name: string) => (await page.getByRole('button', { name, exact: true }).boundingBox())!;
	const [aside, back, save] = [await box('接種不適当'), await box('戻る'), await box('記録する')];
	// 戻る on the left, 記録する on the right of one row; 接種不適当 on a row of its own above it, well apart.
	expect(save.x).toBeGreaterThan(back.x + back.width);
	expect(Math.abs(save.y - back.y)).toBeLessThan(4);
	expect(aside.y + aside.height + 24).toBeLessThanOrEqual(back.y);

	const municipality = page.getByTestId('confirm-municipality');
	await expect(municipality).toContainText('13101-6');
	await expect(municipality).toContainText('当自治体');
	const size = await municipality.locator('.digits').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
	expect(size).toBeGreaterThanOrEqual(32);
	await page.getByRole('button', { name: '戻る' }).click();

	// 新宿区's ticket: its own code, marked as another municipality's (no name is invented).
	await scanTicket(page, '111310410000077777');
	await expect(municipality).toContainText('13104-1');
	await expect(municipality).toContainText('他自治体');
	// Recorded once, read again with a lot expiring today: with three warnings the screen
	// outgrows the tablet, and 戻る / 記録する are brought into view with the number.
	await page.getByRole('button', { name: '記録する' }).click();
	await page.getByRole('button', { name: '設定を変更' }).click();
	await scanLot(page, cartonCode('LX0001', serviceDateOf(new Date().toISOString())!.slice(2).replaceAll('-', '')));
	await page.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await scanTicket(page, '111310410000077777');
	await expect(page.getByTestId('warnings').getByRole('listitem')).toHaveCount(3);
	await expect(page.getByRole('button', { name: '記録する' })).toBeInViewport({ ratio: 1 });
	await expect(page.getByRole('button', { name: '戻る' })).toBeInViewport({ ratio: 1 });
	await expect(page.getByTestId('confirm-ticket')).toBeInViewport({ ratio: 1 });
});

test('a save says which ticket and dose, large, announced, for a few seconds', async ({ page }) => {
	await startShift(page);
	// The live region is in the page before anything is saved, so what is put in it is announced.
	const saved = page.getByTestId('saved');
	await expect(saved).toHaveAttribute('role', 'status');
	await expect(saved).toHaveAttribute('aria-live', 'polite');
	await expect(saved).toHaveText('');

	await scanTicket(page, '121310160000012345');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(saved).toContainText('記録しました');
	await expect(saved).toContainText('0000 012 345');
	await expect(saved).toContainText('2回目');
	const size = await saved.locator('.saved-ticket').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
	expect(size).toBeGreaterThanOrEqual(32);
	await expect(saved).toBeInViewport();
	// It goes by itself after a few seconds.
	await expect(saved).toHaveText('', { timeout: 15_000 });

	// A screening is said as one, with another municipality's code.
	await scanTicket(page, '111310410000077777');
	await page.getByRole('button', { name: '接種不適当', exact: true }).click();
	await page.getByRole('button', { name: '接種不適当として記録' }).click();
	await expect(saved).toContainText('接種不適当として記録しました');
	await expect(saved).toContainText('13104-1');
	await expect(saved).toContainText('0000 077 777');
	// Reading the next ticket takes it away at once.
	await scanTicket(page, '111310160000024680');
	await expect(saved).toHaveText('');
});

test("today's list: one action per row, one line, another municipality's code on its rows", async ({ page }) => {
	await startShift(page);
	await record(page, '111310160000000001');
	await record(page, '111310410000000002');
	await record(page, '121310160000000003');
	const rows = page.locator('.records li');
	await expect(rows).toHaveCount(3);
	for (const row of await rows.all()) {
		await expect(row.getByRole('button')).toHaveCount(1);
		expect((await row.boundingBox())!.height).toBeLessThanOrEqual(64);
	}
	const foreign = rows.filter({ hasText: '0000 000 002' });
	await expect(foreign.getByTestId('row-municipality')).toHaveText('13104-1');
	await expect(page.getByTestId('row-municipality')).toHaveCount(1);

	// The row opens the record; correcting and voiding are there. Escape closes it, back to the row.
	const opener = foreign.getByRole('button');
	await opener.click();
	const dialog = page.getByRole('dialog', { name: '記録の内容' });
	await expect(dialog).toContainText('0000000002');
	await expect(dialog).toContainText('13104-1（他自治体）');
	await expect(dialog.getByRole('button')).toHaveText(['閉じる', '訂正', '取消']);
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(opener).toBeFocused();
});
