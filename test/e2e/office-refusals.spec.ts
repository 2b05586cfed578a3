import { expect, test } from '@playwright/test';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { issueEnrolmentCode } from '../helpers/server-process';
import { officeLogin, passwordOf } from './office-steps';
import { useServer } from './server-fixture';

const server = useServer();
let device: MemoryDevice | null = null;
test.afterEach(() => device?.stop());

test('an update refused for a service day in the future reaches the queue with its reason in Japanese', async ({ page }) => {
	const admin = await OfficeClient.login(server.url);
	await admin.createUser('staff', 'clerk');
	// A tablet whose clock says 2099: its batch lies decades after the server's date (the
	// server's real clock: this holds until 2099).
	device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, admin));
	const d = device;
	const day = '2099-12-31';
	const ev = d.doseEvent({ batch: d.batchFor(day), givenAt: `${day}T01:00:00.000Z`, recordedAt: `${day}T01:00:30.000Z` }, '0000000001');
	d.append(ev);
	d.start();
	await d.until(() => d.count('refused') === 1);

	await officeLogin(page, server.url, { username: 'clerk', password: passwordOf('clerk') }, '/office/queue');
	const row = page.locator('tr[data-reason="refused-update"]');
	await expect(row).toContainText('受付拒否された送信');
	await expect(row).toContainText('拒否の理由: 実施日が未来の日付です。端末の日付・時計の誤りの可能性があります。');
	await expect(row).toContainText(`イベントID: ${ev.id}`);
	// The code itself is the API's, not the screen's.
	await expect(page.locator('main')).not.toContainText('SERVICE_DAY_FUTURE');
});
