import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { cartonCode, enrolStation, fillSession, scanLot, scanTicket, typeTicket } from './station-steps';
import { useServer } from './server-fixture';
import { cdpSession, wedgeScan, type WedgeOptions } from './wedge';

const server = useServer();

/** How the confirmation prints a ticket's 券番号 (groups of 4, 3 and 3 digits). */
const grouped = (ticket: string) =>
	new RegExp(`${ticket.slice(8, 12)}\\s*${ticket.slice(12, 15)}\\s*${ticket.slice(15)}`);

test('with the CPU throttled 6×, every scanner burst is taken as a scan and never sent back to be typed; hand typing still must be typed twice', async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(
		page,
		await issueEnrolmentCode(server.url, { setting: 'clinic', siteCode: 'C0123', label: '山田内科 受付' })
	);
	await fillSession(page);
	const cdp = await cdpSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
	const typeAgain = page.getByRole('status').filter({ hasText: 'もう一度入力' });
	const confirmTicket = page.getByTestId('confirm-ticket');
	const back = page.getByRole('button', { name: '戻る' });

	// A carton's GS1 code into the lot field.
	await page.getByRole('button', { name: '設定を変更' }).click();
	await scanLot(page, cartonCode('FK7790'));
	await expect(page.getByTestId('session-lot')).toContainText('FK7790');
	await page.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await expect(page.getByTestId('session-summary')).toContainText('FK7790');

	// Into the ticket field, at a fast and a slow scanner's pace, and from one that ends with Tab.
	const intoField: [string, WedgeOptions][] = [
		['111310160000010001', { msPerChar: 1 }],
		['111310160000010002', { msPerChar: 4 }],
		['111310160000010003', { msPerChar: 15 }],
		['111310160000010004', { terminator: 'Tab' }]
	];
	for (const [ticket, options] of intoField) {
		await scanTicket(page, ticket, options);
		await expect(confirmTicket).toHaveText(grouped(ticket));
		await expect(typeAgain).toHaveCount(0);
		await back.click();
	}

	// Anywhere on the desk screen, no field focused.
	for (const ticket of ['111310160000020001', '111310160000020002', '111310160000020003']) {
		await page.getByRole('heading', { name: '本日の記録' }).click();
		await wedgeScan(page, ticket);
		await expect(confirmTicket).toHaveText(grouped(ticket));
		await expect(typeAgain).toHaveCount(0);
		await back.click();
	}

	// A person typing under the same load: asked for the number a second time, then confirmed.
	await typeTicket(page, '111310160000030001');
	await expect(typeAgain).toBeVisible();
	await expect(page.getByRole('heading', { name: '内容の確認' })).toHaveCount(0);
	await typeTicket(page, '111310160000030001');
	await expect(confirmTicket).toHaveText(grouped('111310160000030001'));
});
