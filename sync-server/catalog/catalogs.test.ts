import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchId, DEFAULT_VACCINE_CATALOG, findProduct } from '#shared/index';
import { doseEvent } from '../../test/helpers/fixtures';
import type { Ledger } from '../ledger/ledger';
import { openLedger } from '../ledger/open';
import { putProduct } from './catalog-edit';
import { Catalogs } from './catalogs';

const deviceId = '01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f';
const batch = batchId({ deviceId, siteCode: 'V001', serviceDay: '2026-11-22' });

describe('stored catalogue versions on the server', () => {
	let ledger: Ledger;
	let dir: string;
	beforeEach(async () => {
		dir = await mkdtemp(join(tmpdir(), 'vacc-catalogs-'));
		ledger = await openLedger({ dataDir: dir });
	});
	afterEach(async () => {
		await ledger.db.close();
		await rm(dir, { recursive: true, force: true });
	});

	const store = async (version: number, edit: Parameters<typeof putProduct>[1]) => {
		const current = (await ledger.catalogVersions(version - 2)).at(-1)!.catalog as typeof DEFAULT_VACCINE_CATALOG;
		const r = putProduct(current, edit);
		if (!r.ok) throw new Error(r.message);
		await ledger.db.transaction((tx) =>
			ledger.appendCatalogVersion(tx, version, r.catalog, { id: null, name: 'test' })
		);
	};

	it('seeds version 1 from the built-in catalogue once, and the current version follows what any process stored', async () => {
		const a = new Catalogs(ledger);
		const b = new Catalogs(ledger); // another server process on the same database
		await Promise.all([a.seed(), b.seed()]);
		expect((await ledger.catalogVersions()).length).toBe(1);
		expect((await a.current()).version).toBe(1);
		expect((await a.current()).catalog).toEqual(DEFAULT_VACCINE_CATALOG);
		const spikevax = findProduct(DEFAULT_VACCINE_CATALOG, 'spikevax')!;
		await store(2, { ...spikevax, volumesMl: [0.5] });
		const seen = await b.current();
		expect(seen.version).toBe(2);
		expect(findProduct(seen.catalog, 'spikevax')!.volumesMl).toEqual([0.5]);
	});

	it('accepts an event valid under any stored version, and looks for newer versions only when none accepts it', async () => {
		const catalogs = new Catalogs(ledger);
		await catalogs.seed();
		const spikevax = findProduct(DEFAULT_VACCINE_CATALOG, 'spikevax')!;
		const quarter = doseEvent({ deviceId, batch }, '0000000001', {
			vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD1', expiry: '2099-12-31', volumeMl: 0.25 }
		});
		const newProduct = doseEvent({ deviceId, batch }, '0000000002', {
			vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD1', expiry: '2099-12-31', volumeMl: 0.4 }
		});
		expect(catalogs.validateAny(quarter).ok).toBe(true);
		expect(catalogs.validateAny(newProduct)).toMatchObject({ ok: false, errors: [{ code: 'VOLUME_NOT_ALLOWED' }] });

		// Another process stores version 2 (0.25 mL dropped, 0.4 mL added) without this one knowing.
		await store(2, { ...spikevax, volumesMl: [0.5, 0.4] });
		expect(catalogs.validateAny(newProduct).ok).toBe(false); // not held yet
		expect(await catalogs.refresh()).toBe(true);
		expect(await catalogs.refresh()).toBe(false);
		expect(catalogs.validateAny(newProduct).ok).toBe(true);
		// Recorded under version 1, refused by version 2: still accepted.
		expect(catalogs.validateAny(quarter).ok).toBe(true);
		// Valid under no version: refused with the newest version's reason.
		const never = doseEvent({ deviceId, batch }, '0000000003', {
			vaccine: { product: 'spikevax', maker: 'moderna', lot: 'MD1', expiry: '2099-12-31', volumeMl: 0.1 }
		});
		expect(catalogs.validateAny(never)).toMatchObject({
			ok: false,
			errors: [{ code: 'VOLUME_NOT_ALLOWED', path: 'vaccine.volumeMl' }]
		});
	});
});
