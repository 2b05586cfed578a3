import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { issueEnrolmentCode } from '../helpers/server-process';
import { CHROMIUM_LAUNCH } from './chromium';
import { writeCodabarVideo, writeQrVideo } from './fake-camera';
import { useServer } from './server-fixture';
import { enrolStation, fillSession } from './station-steps';

const server = useServer();
let dir: string;
test.beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'vacc-camera-'));
});
test.afterEach(async () => {
	await rm(dir, { recursive: true, force: true });
});

async function scanWithCamera(
	playwright: Parameters<Parameters<typeof test>[2]>[0]['playwright'],
	video: string,
	check: (page: import('@playwright/test').Page) => Promise<void>
) {
	const browser = await playwright.chromium.launch({
		...CHROMIUM_LAUNCH,
		args: [
			...CHROMIUM_LAUNCH.args,
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
			`--use-file-for-fake-video-capture=${video}`
		]
	});
	try {
		const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', permissions: ['camera'] });
		const page = await context.newPage();
		const offsite: string[] = [];
		page.on('request', (r) => {
			if (!r.url().startsWith(server.url)) offsite.push(r.url());
		});
		await page.goto(server.url);
		await enrolStation(page, await issueEnrolmentCode(server.url));
		await fillSession(page);
		await page.getByRole('button', { name: 'カメラで読み取る' }).click();
		await check(page);
		// Read by a machine: no second entry asked for; nothing fetched from outside.
		await page.getByRole('button', { name: '記録する' }).click();
		await expect(page.locator('.records li')).toHaveCount(1);
		expect(offsite).toEqual([]);
	} finally {
		await browser.close();
	}
}

test("reads a ticket's QR code through the camera, decoded on the device by the bundled WASM decoder", async ({
	playwright
}) => {
	const video = join(dir, 'ticket-qr.y4m');
	await writeQrVideo(video, '131310160000054321');
	await scanWithCamera(playwright, video, async (page) => {
		await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*054\s*321/, { timeout: 30_000 });
		await expect(page.getByText('3回目')).toBeVisible();
	});
});

test('reads an NW-7 (Codabar) ticket number through the camera; the municipality comes from the enrolment', async ({
	playwright
}) => {
	const video = join(dir, 'ticket-nw7.y4m');
	await writeCodabarVideo(video, 'A0000054321A');
	await scanWithCamera(playwright, video, async (page) => {
		await expect(page.getByTestId('confirm-ticket')).toHaveText(/0000\s*054\s*321/, { timeout: 30_000 });
		await expect(page.getByTestId('confirm-municipality')).toContainText('13101-6');
		await expect(page.getByText('1回目')).toBeVisible();
	});
});

test('reads the enrolment QR code through the camera', async ({ playwright }) => {
	const code = await issueEnrolmentCode(server.url);
	const video = join(dir, 'enrolment.y4m');
	await writeQrVideo(video, code);
	const browser = await playwright.chromium.launch({
		...CHROMIUM_LAUNCH,
		args: [
			...CHROMIUM_LAUNCH.args,
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
			`--use-file-for-fake-video-capture=${video}`
		]
	});
	try {
		const page = await (await browser.newContext({ permissions: ['camera'] })).newPage();
		await page.goto(server.url);
		await page.getByRole('button', { name: '登録用QRコードをカメラで読み取る' }).click();
		await expect(page.getByLabel('登録コード')).toHaveValue(code, { timeout: 30_000 });
	} finally {
		await browser.close();
	}
});
