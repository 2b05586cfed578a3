import { afterEach, describe, expect, it } from 'vitest';
import { findProduct } from '#shared/index';
import type { CatalogAnswer } from '#shared/office/catalog-api';
import { startTestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { backendEnv, BACKENDS, createTestDatabase } from '../helpers/postgres';
import { issueEnrolmentCode, startServerProcess } from '../helpers/server-process';

/**
 * Lots and the vaccine catalogue reach a device that stays connected: a tablet online all day
 * must be able to record on a lot or a GTIN the office added at noon, without reconnecting. On
 * PostgreSQL a change stored through one server process reaches devices on another.
 */
const NEW_GTIN = '09520000009014';

async function addLotAndGtin(office: OfficeClient, lot: string): Promise<number> {
	const put = await office.request('/api/office/lots', {
		method: 'PUT',
		body: { product: 'comirnaty', lot, expiry: '2027-03-31', sites: ['V001'] }
	});
	expect(put.status, await put.clone().text()).toBe(200);
	const { version, catalog } = await office.json<CatalogAnswer>('GET', '/api/office/products');
	const product = structuredClone(findProduct(catalog, 'comirnaty')!);
	const res = await office.request('/api/office/products', {
		method: 'PUT',
		body: { basedOn: version, product: { ...product, gtins: [...product.gtins, NEW_GTIN] } }
	});
	expect(res.status, await res.clone().text()).toBe(200);
	return ((await res.json()) as { version: number }).version;
}

const holds = (d: MemoryDevice, lot: string, version: number) =>
	(d.lots ?? []).some((l) => l.lot === lot) &&
	d.catalog?.version === version &&
	findProduct(d.catalog.catalog, 'comirnaty')!.gtins.includes(NEW_GTIN);

describe('master data pushed to connected devices', () => {
	const cleanups: (() => Promise<unknown> | void)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	it.each(BACKENDS)('a new lot and a new GTIN reach a device online since before the change (%s)', async (backend) => {
		const b = await backendEnv(backend);
		cleanups.push(b.cleanup);
		const server = await startTestServer(b.env);
		cleanups.push(() => server.dispose());
		const office = await OfficeClient.login(server.url);
		const device = await MemoryDevice.enrol(await issueEnrolmentCode(server.url, undefined, office));
		device.start();
		cleanups.push(() => device.stop());
		await device.until(() => device.status.state === 'online' && device.catalog !== null && device.lots !== null);
		expect(holds(device, 'PUSH01', 1)).toBe(false);

		const version = await addLotAndGtin(office, 'PUSH01');
		await device.until(() => holds(device, 'PUSH01', version));
		// Over the connection it already had.
		expect(device.connections).toBe(1);
	});

	it(
		'a change stored through one process reaches a device connected to another (PostgreSQL)',
		{ timeout: 120_000 },
		async () => {
			const db = await createTestDatabase();
			cleanups.push(db.drop);
			const env = { DATABASE_URL: db.url };
			const one = await startServerProcess(env);
			cleanups.push(() => one.cleanup());
			const two = await startServerProcess(env);
			cleanups.push(() => two.cleanup());
			const office = await OfficeClient.login(one.url);
			const device = await MemoryDevice.enrol(await issueEnrolmentCode(two.url, undefined, office));
			device.start();
			cleanups.push(() => device.stop());
			await device.until(() => device.status.state === 'online' && device.catalog !== null && device.lots !== null);

			const version = await addLotAndGtin(office, 'PUSH02');
			await device.until(() => holds(device, 'PUSH02', version));
			expect(device.connections).toBe(1);
		}
	);
});
