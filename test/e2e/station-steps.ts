import { expect, type Page } from '@playwright/test';
import { DEFAULT_VACCINE_CATALOG } from '#shared/index';
import { wedgeScan, type WedgeOptions } from './wedge';

/** GS1 element string a wedge scanner types from a Comirnaty carton: GTIN, expiry 2030-12-31, lot. */
export function cartonCode(lot = 'FK7789', expiry = '301231', product = 'comirnaty'): string {
	const gtin = DEFAULT_VACCINE_CATALOG.products.find((p) => p.code === product)!.gtins[0]!;
	return `(01)${gtin}(17)${expiry}(10)${lot}`;
}

export const STAFF = 'N001';
export const PIN = '482913';

/** Enrols the tablet with a one-time code and sets its first operator's staff code and PIN. */
export async function enrolStation(page: Page, code: string): Promise<void> {
	await page.getByLabel('登録コード').fill(code);
	await page.getByLabel('担当者コード').fill(STAFF);
	await page.getByLabel('暗証番号', { exact: true }).fill(PIN);
	await page.getByLabel('暗証番号（確認）').fill(PIN);
	await page.getByRole('button', { name: 'この端末を登録する' }).click();
}

export async function unlockStation(page: Page, pin = PIN): Promise<void> {
	await page.getByLabel('担当者コード').fill(STAFF);
	await page.getByLabel('暗証番号').fill(pin);
	await page.getByRole('button', { name: 'ロック解除' }).click();
}

/** Fills today's settings the way a nurse does at the start of a shift. */
export async function fillSession(page: Page, lot = 'FK7789'): Promise<void> {
	await page.getByLabel('ワクチン').selectOption('comirnaty');
	await scanLot(page, cartonCode(lot));
	await expect(page.getByTestId('session-lot')).toContainText(lot);
	await page.getByLabel('予診医コード').fill('D001');
	await page.getByLabel('接種医コード').fill('D002');
	await page.getByRole('button', { name: 'この設定で記録を始める' }).click();
	await expect(page.getByTestId('session-summary')).toContainText(lot);
}

/** A wedge scanner reading a vial's or carton's GS1 code into the lot field (emptied first). */
export async function scanLot(page: Page, code: string): Promise<void> {
	await page.getByLabel('ロット（バイアル・箱のバーコード）').fill('');
	await wedgeScan(page, code);
}

/** A wedge scanner reading a ticket into the ticket field (emptied first): a burst of keys, then Enter. */
export async function scanTicket(page: Page, ticket: string, options?: WedgeOptions): Promise<void> {
	await page.getByLabel('接種券番号（18桁）').fill('');
	await wedgeScan(page, ticket, options);
}

/** A person typing the number by hand (slower than any scanner), then pressing the button. */
export async function typeTicket(page: Page, ticket: string): Promise<void> {
	const field = page.getByLabel('接種券番号（18桁）');
	await field.fill('');
	await field.pressSequentially(ticket, { delay: 80 });
	await page.getByRole('button', { name: '確認へ進む' }).click();
}
