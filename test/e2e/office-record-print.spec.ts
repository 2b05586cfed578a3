import { expect, test } from '@playwright/test';
import { extractText, getDocumentProxy } from 'unpdf';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

const server = useServer({ MUNICIPALITY_NAME: '千代田区' });
let device: MemoryDevice | null = null;
test.afterEach(() => device?.stop());

/**
 * Text for comparison: NFKC (the PDF's font maps some kanji to their Kangxi radical code points,
 * 氏 as ⽒; NFKC folds those, not the CJK Radicals Supplement's ⺠ for 民), without white space
 * (Chromium's PDF splits runs at will).
 */
const compact = (s: string) =>
	s
		.normalize('NFKC')
		.replace(/\u2EA0/g, '民')
		.replace(/\s+/g, '');

test('接種記録の証明: printed from the ticket history to one A4 page with the doses, the municipality and empty boxes; audited', async ({
	page
}) => {
	const admin = await OfficeClient.login(server.url);
	await admin.createUser('staff', 'clerk');
	await admin.json('PUT', '/api/office/sites', { code: 'V001', name: '市民体育館' });
	device = await MemoryDevice.enrol(
		await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: '受付1' }, admin)
	);
	const d = device;
	for (const [day, dose] of [
		['2026-06-01', 1],
		['2026-11-22', 2]
	] as const) {
		d.append(
			d.doseEvent(
				{
					batch: d.batchFor(day),
					givenAt: `${day}T01:00:00.000Z`,
					recordedAt: `${day}T01:00:30.000Z`,
					doseNumber: dose,
					ticketDose: dose
				},
				'0000000005'
			)
		);
	}
	d.start();
	await d.until(() => d.count('receipted') === 2);

	await officeLogin(
		page,
		server.url,
		{ username: 'clerk', password: passwordOf('clerk') },
		'/office/tickets/131016/0000000005'
	);
	await page.getByRole('link', { name: '接種記録の証明（本人用・A4）' }).click();
	const sheet = page.getByTestId('vaccination-record');
	await expect(sheet.getByTestId('record-dose')).toHaveCount(2);

	// In print media only the sheet shows: no office bar, menu or buttons.
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: '印刷する' })).toBeHidden();
	await expect(page.locator('.office-nav')).toBeHidden();
	await expect(sheet).toBeVisible();

	const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
	const doc = await getDocumentProxy(new Uint8Array(pdf));
	expect(doc.numPages).toBe(1);
	const { width, height } = (await doc.getPage(1)).getViewport({ scale: 1 });
	// A4 in PDF points (210 × 297 mm), within a point of rounding.
	expect(Math.abs(width - 595.3)).toBeLessThan(1);
	expect(Math.abs(height - 841.9)).toBeLessThan(1);
	const text = compact((await extractText(doc, { mergePages: true })).text);
	for (const expected of [
		'接種記録の証明',
		'氏名',
		'住所',
		'生年月日',
		'1310160000000005',
		'1回目',
		'2026年6月1日',
		'2回目',
		'2026年11月22日',
		'ファイザー（コミナティ筋注）',
		'LotNo.FA1234',
		'市民体育館',
		'発行日',
		'千代田区'
	]) {
		expect(text, expected).toContain(compact(expected));
	}

	// The print was audited.
	const audit = await admin.json<{ entries: { action: string; target: string }[] }>(
		'GET',
		'/api/office/audit?action=ticket.record-print'
	);
	expect(audit.entries).toMatchObject([{ action: 'ticket.record-print', target: '131016/0000000005' }]);
});
