import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMyNumber } from '#shared/index';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

const SITE = 'C-0001';
// The day on which the site code's digits and the day's join into a valid My Number
// (000120261118) when the batch id `device/C-0001/2026-11-18` is read as one chain.
const DAY = '2026-11-18';

/**
 * A clinic whose code ends in four digits records and syncs on every day, including the one in
 * eleven or so on which its batch id's digits would read as a My Number: the dose is receipted,
 * stored, and the office opens the batch by its path.
 */
describe.each(BACKENDS)('a site code ending in four digits on %s', (backend) => {
	let server: TestServer;
	let admin: OfficeClient;
	let d: MemoryDevice;

	beforeAll(async () => {
		expect(isMyNumber(`0001${DAY.replaceAll('-', '')}`)).toBe(true);
		server = await startBackendServer(backend, {}, { now: () => Date.parse(`${DAY}T01:00:00.000Z`) });
		admin = await OfficeClient.login(server.url);
		d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'clinic', siteCode: SITE, label: 'クリニック' }, admin)
		);
	});
	afterAll(async () => {
		d.stop();
		await server.dispose();
	});

	it('receipts and stores the dose, and the office opens its batch', async () => {
		const batch = d.batchFor(DAY);
		const dose = d.doseEvent({ batch, givenAt: `${DAY}T01:00:00.000Z`, recordedAt: `${DAY}T01:00:30.000Z` });
		d.append(dose);
		d.start();
		await d.until(() => d.count('receipted') === 1 || d.count('refused') === 1);
		expect(d.events.get(dose.id)).toMatchObject({ state: 'receipted' });

		const staff = await admin.createUser('staff');
		const opened = await staff.json<{ records: { recordId: string }[] }>('GET', `/api/office/batches/${batch}`);
		expect(opened.records.map((r) => r.recordId)).toEqual([dose.id]);
	});
});
