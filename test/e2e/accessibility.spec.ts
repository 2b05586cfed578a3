import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { CHROMIUM_LAUNCH } from './chromium';
import { expect, test, type Page } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { enrolStation, fillSession, scanTicket } from './station-steps';
import { useServer } from './server-fixture';

const server = useServer();

/** WCAG 2.1 A and AA rules over the whole page; every violation is listed on failure. */
async function expectAccessible(page: Page, screen: string) {
	const { violations } = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	expect(violations.map((v) => `${screen}: ${v.id} (${v.nodes.length}) ${v.help}`)).toEqual([]);
}

test('Chromium reports no installability errors (manifest, icons, service worker)', async ({ playwright }) => {
	// Installability is judged only outside incognito: a real profile directory.
	const profile = await mkdtemp(join(tmpdir(), 'vacc-profile-'));
	const context = await playwright.chromium.launchPersistentContext(profile, CHROMIUM_LAUNCH);
	try {
		const page = await context.newPage();
		await page.goto(server.url);
		await page.evaluate(() => navigator.serviceWorker.ready);
		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
		const manifest = await cdp.send('Page.getAppManifest');
		expect(manifest.errors).toEqual([]);
	} finally {
		await context.close();
		await rm(profile, { recursive: true, force: true });
	}
});

test('every screen passes axe-core (WCAG 2.1 AA)', async ({ page }) => {
	await page.goto(server.url);
	await expect(page.getByLabel('登録コード')).toBeVisible();
	await expectAccessible(page, 'enrol');

	await enrolStation(page, await issueEnrolmentCode(server.url));
	await expect(page.getByRole('heading', { name: '本日の接種設定' })).toBeVisible();
	await expectAccessible(page, 'settings');
	await fillSession(page);
	await expectAccessible(page, 'recording');
	await scanTicket(page, '111310160000012345');
	await expect(page.getByRole('heading', { name: '内容の確認' })).toBeVisible();
	await expectAccessible(page, 'confirmation');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li')).toHaveCount(1);
	await expectAccessible(page, 'list');
	await page.locator('.records li').first().getByRole('button').click();
	await expectAccessible(page, 'record dialog');
	await page.getByRole('dialog').getByRole('button', { name: '訂正' }).click();
	await expectAccessible(page, 'correction form');
	await page.getByRole('dialog').getByRole('button', { name: 'やめる' }).click();
	await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
	await expectAccessible(page, 'void form');
	await page.getByRole('dialog').getByRole('button', { name: 'やめる' }).click();
	await page.getByRole('dialog').getByRole('button', { name: '閉じる' }).click();
	await scanTicket(page, '111310160000067890');
	await page.getByRole('button', { name: '接種不適当', exact: true }).click();
	await expectAccessible(page, 'not-vaccinated form');
	await page.getByRole('button', { name: '戻る' }).click();
	await page.getByRole('button', { name: '本日の締め', exact: true }).click();
	await page.getByLabel('予診票の枚数').fill('7');
	await expectAccessible(page, 'close of day with a tally mismatch');
	await page.getByRole('button', { name: '確認へ進む' }).click();
	await expectAccessible(page, 'close of day confirmation');
	await page.getByRole('button', { name: '枚数を直す' }).click();
	await page.getByLabel('予診票の枚数').fill('1');
	await page.getByRole('button', { name: '確認へ進む' }).click();
	await page.getByRole('button', { name: '締める', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: '締め済み' }).first()).toBeVisible();
	await expectAccessible(page, 'day closed (reopen form)');
	await page.getByRole('button', { name: '記録に戻る' }).click();
	await expectAccessible(page, 'day closed');
	await page.getByRole('button', { name: '担当者を追加' }).click();
	await expectAccessible(page, 'add a person');
	await page.getByRole('button', { name: 'やめる' }).click();
	await page.getByRole('button', { name: 'ロック', exact: true }).click();
	await expectAccessible(page, 'locked');
	await page.getByRole('button', { name: 'English' }).click();
	await expectAccessible(page, 'locked (English)');
});

for (const [name, viewport] of [
	['tablet landscape', { width: 1280, height: 800 }],
	['tablet portrait', { width: 800, height: 1280 }],
	['desk PC', { width: 1920, height: 1080 }]
] as const) {
	test(`touch targets are at least 48 px and nothing overflows: ${name}`, async ({ page }) => {
		await page.setViewportSize(viewport);
		await page.goto(server.url);
		await enrolStation(page, await issueEnrolmentCode(server.url));
		await fillSession(page);
		await scanTicket(page, '111310160000012345');
		await page.getByRole('button', { name: '記録する' }).click();
		await scanTicket(page, '111310160000067890');
		const small = () =>
			page.evaluate(() =>
				[...document.querySelectorAll('button, input, select, textarea')]
					.map((el) => ({ el, box: el.getBoundingClientRect() }))
					.filter(({ box }) => box.width > 0 && box.height > 0 && (box.width < 48 || box.height < 48))
					.map(
						({ el, box }) =>
							`${el.tagName} "${el.textContent?.trim() || el.id}" ${Math.round(box.width)}×${Math.round(box.height)}`
					)
			);
		expect(await small()).toEqual([]);
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow).toBeLessThanOrEqual(0);
		// Today's list: the record's dialog and its correction form.
		await page.getByRole('button', { name: '戻る' }).click();
		await page.locator('.records li').first().getByRole('button').click();
		await page.getByRole('dialog').getByRole('button', { name: '訂正' }).click();
		expect(await small()).toEqual([]);
	});
}
