import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchId, type DoseEvent } from '#shared/index';
import type { Ledger } from '../../sync-server/ledger/ledger';
import { migrate } from '../../sync-server/ledger/migrate';
import { openLedger } from '../../sync-server/ledger/open';
import { newId } from '#shared/ids';
import { verifyKeyChain } from '#shared/protocol/server-keys';
import { Sealer } from '../../sync-server/secrets/sealer';
import { ServerKeyring, ServerKeysSealError } from '../../sync-server/secrets/server-keyring';
import { doseEvent } from '../helpers/fixtures';
import { BACKENDS, createTestDatabase } from '../helpers/postgres';

/**
 * One contract, every storage backend: the embedded PGlite ledger and PostgreSQL must behave
 * identically for everything the server relies on.
 */
describe.each(BACKENDS)('ledger contract: %s', (backend) => {
	let ledger: Ledger;
	let keyring: ServerKeyring;
	let cleanup: () => Promise<void>;
	const sealer = new Sealer(randomBytes(32));

	beforeEach(async () => {
		if (backend === 'pglite') {
			const dir = await mkdtemp(join(tmpdir(), 'vacc-contract-'));
			ledger = await openLedger({ dataDir: dir });
			cleanup = () => rm(dir, { recursive: true, force: true });
		} else {
			const db = await createTestDatabase();
			ledger = await openLedger({ databaseUrl: db.url, dataDir: '' });
			cleanup = db.drop;
		}
		keyring = await ServerKeyring.open(ledger.db, sealer);
	});
	afterEach(async () => {
		await ledger.db.close();
		await cleanup();
	});

	const keys = () => ({ box: nacl.box.keyPair().publicKey, sign: nacl.sign.keyPair().publicKey });
	const enrolment = (ttlMs = 60_000) =>
		ledger.createEnrolment({ municipality: '131016', setting: 'mass', siteCode: 'V001', label: '会場1', ttlMs });

	async function enrolledDevice() {
		const e = await enrolment();
		const r = await ledger.enrolDevice(e.id, e.secret, keys());
		if (!r.ok) throw new Error(r.error);
		return r.device;
	}

	const dose = (deviceId: string, batch: string, ticketNumber: string) => doseEvent({ deviceId, batch }, ticketNumber);

	it('applies migrations once, however often it is asked', async () => {
		expect(await migrate(ledger.db)).toEqual([]);
		const { rows } = await ledger.db.query<{ version: number }>(
			'SELECT version FROM schema_migrations ORDER BY version'
		);
		const files = readdirSync(join(import.meta.dirname, '../../sync-server/ledger/migrations')).filter((f) =>
			f.endsWith('.sql')
		);
		expect(rows.map((r) => r.version)).toEqual(files.map((f) => Number(f.slice(0, 4))).sort((a, b) => a - b));
	});

	it('makes the server keys once; another opening with the same key file gets the same keys, another key file is refused', async () => {
		const a = await keyring.current();
		const again = await ServerKeyring.open(ledger.db, sealer);
		const b = await again.current();
		expect(a.generation).toBe(1);
		expect(b.keys.sign.publicKey).toEqual(a.keys.sign.publicKey);
		expect(b.keys.box.secretKey).toEqual(a.keys.box.secretKey);
		expect(a.keys.sign.secretKey).toHaveLength(64);
		await expect(ServerKeyring.open(ledger.db, new Sealer(randomBytes(32)))).rejects.toBeInstanceOf(
			ServerKeysSealError
		);
	});

	it('rotates: each generation certified by the one before, the old one retired, enrolment codes carrying the newest', async () => {
		const g1 = await keyring.current();
		// Two rotations at once (two CLIs, or two processes): both land, one after the other.
		const other = await ServerKeyring.open(ledger.db, sealer);
		await Promise.all([keyring.rotate({ id: null, name: 'test' }), other.rotate({ id: null, name: 'test' })]);
		expect(await keyring.currentGeneration()).toBe(3);
		const chain = await keyring.chain(1, 3);
		expect(verifyKeyChain({ box: g1.keys.box.publicKey, sign: g1.keys.sign.publicKey }, chain)).toMatchObject({
			ok: true,
			generation: 3
		});
		const history = await keyring.history();
		expect(history.map((h) => [h.generation, h.retiredAt !== null])).toEqual([
			[1, true],
			[2, true],
			[3, false]
		]);
		const e = await enrolment();
		expect(e.serverKeyGeneration).toBe(3);
		expect(e.serverKeys).toEqual(history[2]!.keys);
	});

	it('enrols a device with a one-time code and refuses reuse, a wrong secret and expiry', async () => {
		const e = await enrolment();
		const device = await ledger.enrolDevice(e.id, e.secret, keys());
		expect(device.ok).toBe(true);
		expect(await ledger.enrolDevice(e.id, e.secret, keys())).toEqual({ ok: false, error: 'ENROLMENT_USED' });
		const other = await enrolment();
		expect(await ledger.enrolDevice(other.id, e.secret, keys())).toEqual({ ok: false, error: 'ENROLMENT_UNKNOWN' });
		const expired = await enrolment(-1000);
		expect(await ledger.enrolDevice(expired.id, expired.secret, keys())).toEqual({
			ok: false,
			error: 'ENROLMENT_EXPIRED'
		});
		expect(await ledger.countDevices()).toBe(1);
		if (device.ok) expect((await ledger.device(device.device.id))?.siteCode).toBe('V001');
	});

	it('commits an update with its events once; the same update again changes nothing', async () => {
		const device = await enrolledDevice();
		const batch = batchId({ deviceId: device.id, siteCode: 'V001', serviceDay: '2026-11-22' });
		const events = [dose(device.id, batch, '0000000001'), dose(device.id, batch, '0000000002')];
		const u = {
			batchId: batch,
			deviceId: device.id,
			municipality: '131016',
			siteCode: 'V001',
			serviceDay: '2026-11-22',
			update: Uint8Array.of(1, 2, 3),
			signature: new Uint8Array(64),
			events
		};
		expect(await ledger.commitUpdate(u)).toHaveProperty('seq');
		expect(await ledger.commitUpdate(u)).toEqual({ duplicate: true });
		// The same event inside another update (a resend after a lost receipt) is projected once.
		expect(await ledger.commitUpdate({ ...u, update: Uint8Array.of(9, 9), events: [events[0]!] })).toHaveProperty(
			'seq'
		);
		expect(await ledger.countDoseEvents()).toBe(2);
		expect((await ledger.batchUpdates(batch)).map((x) => [...x.update])).toEqual([
			[1, 2, 3],
			[9, 9]
		]);
	});

	it('commits a group of updates of several devices in one go, each with its own outcome', async () => {
		const a = await enrolledDevice();
		const b = await enrolledDevice();
		const gone = await enrolledDevice();
		await ledger.setDeviceStatus(gone.id, 'revoked');
		const batchOf = (id: string) => batchId({ deviceId: id, siteCode: 'V001', serviceDay: '2026-11-22' });
		const u = (id: string, n: number, events: DoseEvent[]) => ({
			batchId: batchOf(id),
			deviceId: id,
			municipality: '131016',
			siteCode: 'V001',
			serviceDay: '2026-11-22',
			update: Uint8Array.of(n),
			signature: new Uint8Array(64).fill(n),
			events
		});
		const first = u(a.id, 1, [dose(a.id, batchOf(a.id), '0000000001'), dose(a.id, batchOf(a.id), '0000000002')]);
		expect(await ledger.commitUpdate(first)).toHaveProperty('seq');
		const group = [
			first,
			u(b.id, 2, [dose(b.id, batchOf(b.id), '0000000003')]),
			u(gone.id, 3, [dose(gone.id, batchOf(gone.id), '0000000004')]),
			u(a.id, 4, [dose(a.id, batchOf(a.id), '0000000005')])
		];
		const outcomes = await ledger.commitUpdates(group, new Set([batchOf(a.id)]));
		expect(outcomes.map((o) => Object.keys(o)[0])).toEqual(['duplicate', 'seq', 'revoked', 'seq']);
		const { rows } = await ledger.db.query<{ ticket_number: string; device_id: string; signature: Uint8Array }>(
			'SELECT r.ticket_number, e.device_id, s.signature FROM dose_records r JOIN dose_events e ON e.event_id = r.record_id JOIN sync_updates s ON s.seq = e.update_seq ORDER BY r.ticket_number'
		);
		expect(rows.map((r) => [r.ticket_number, r.device_id, new Uint8Array(r.signature)[0]])).toEqual([
			['0000000001', a.id, 1],
			['0000000002', a.id, 1],
			['0000000003', b.id, 2],
			['0000000005', a.id, 4]
		]);
	});

	it('keeps raw updates append-only, even against direct SQL', async () => {
		const device = await enrolledDevice();
		const batch = batchId({ deviceId: device.id, siteCode: 'V001', serviceDay: '2026-11-22' });
		await ledger.commitUpdate({
			batchId: batch,
			deviceId: device.id,
			municipality: '131016',
			siteCode: 'V001',
			serviceDay: '2026-11-22',
			update: Uint8Array.of(1),
			signature: new Uint8Array(64),
			events: []
		});
		await expect(ledger.db.query('DELETE FROM sync_updates')).rejects.toThrow(/append-only/);
		await expect(ledger.db.query("UPDATE sync_updates SET update = '\\x00'")).rejects.toThrow(/append-only/);
		expect(await ledger.batchUpdates(batch)).toHaveLength(1);
	});

	it('rolls a failed transaction back entirely', async () => {
		const device = await enrolledDevice();
		const batch = batchId({ deviceId: device.id, siteCode: 'V001', serviceDay: '2026-11-22' });
		const bad = { ...dose(device.id, batch, '0000000001'), id: 'not-a-uuid' } as DoseEvent;
		await expect(
			ledger.commitUpdate({
				batchId: batch,
				deviceId: device.id,
				municipality: '131016',
				siteCode: 'V001',
				serviceDay: '2026-11-22',
				update: Uint8Array.of(1),
				signature: new Uint8Array(64),
				events: [bad]
			})
		).rejects.toThrow();
		expect(await ledger.batchUpdates(batch)).toHaveLength(0);
		const { rows } = await ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM batches');
		expect(rows[0]!.n).toBe(0);
	});

	it('keeps the current record of each dose after corrections and voids, whatever the arrival order', async () => {
		const device = await enrolledDevice();
		const batch = batchId({ deviceId: device.id, siteCode: 'V001', serviceDay: '2026-11-22' });
		const original = dose(device.id, batch, '0000000001');
		const { id: _i, batch: _b, device: _d, operator: _o, recordedAt: _r, ...record } = original;
		const correction = {
			id: newId(),
			type: 'correction',
			batch,
			device: device.id,
			operator: 'B001',
			recordedAt: '2026-11-22T05:00:00.000Z',
			replaces: original.id,
			reason: 'ロット番号の訂正',
			record: { ...record, vaccine: { ...record.vaccine, lot: 'FK7790' } }
		} as DoseEvent;
		const voiding = {
			id: newId(),
			type: 'void',
			batch,
			device: device.id,
			operator: 'B001',
			recordedAt: '2026-11-22T06:00:00.000Z',
			replaces: correction.id,
			reason: '二重登録'
		} as DoseEvent;
		const commit = (events: DoseEvent[], n: number) =>
			ledger.commitUpdate({
				batchId: batch,
				deviceId: device.id,
				municipality: '131016',
				siteCode: 'V001',
				serviceDay: '2026-11-22',
				update: Uint8Array.of(n),
				signature: new Uint8Array(64),
				events
			});
		const current = async () =>
			(
				await ledger.db.query<{ current_event_id: string; status: string; lot: string; versions: number }>(
					'SELECT current_event_id, status, lot, versions FROM dose_records'
				)
			).rows;

		// The correction arrives before the dose it corrects (another batch synced first).
		await commit([correction], 1);
		expect(await current()).toEqual([]);
		await commit([original], 2);
		expect(await current()).toEqual([
			{ current_event_id: correction.id, status: 'active', lot: 'FK7790', versions: 2 }
		]);
		await commit([voiding], 3);
		expect(await current()).toEqual([
			{ current_event_id: correction.id, status: 'voided', lot: 'FK7790', versions: 3 }
		]);
		// Every version is kept.
		expect(await ledger.countDoseEvents()).toBe(3);
	});

	it('refuses to commit for a revoked device, and logs refusals without anything shaped like a My Number', async () => {
		const device = await enrolledDevice();
		const batch = batchId({ deviceId: device.id, siteCode: 'V001', serviceDay: '2026-11-22' });
		await ledger.setDeviceStatus(device.id, 'revoked');
		const u = {
			batchId: batch,
			deviceId: device.id,
			municipality: '131016',
			siteCode: 'V001',
			serviceDay: '2026-11-22',
			update: Uint8Array.of(1),
			signature: new Uint8Array(64),
			events: [dose(device.id, batch, '0000000001')]
		};
		expect(await ledger.commitUpdate(u)).toEqual({ revoked: true });
		expect(await ledger.countDoseEvents()).toBe(0);

		await ledger.logRefusal({
			deviceId: device.id,
			batchId: '123456789018',
			code: 'X',
			message: 'value 1234-5678-9018',
			eventIds: ['123456789018', batch]
		});
		const { rows } = await ledger.db.query('SELECT batch_id, message, event_ids FROM refused_updates');
		expect(JSON.stringify(rows)).not.toMatch(/123456789018|1234-5678-9018/);
	});

	it('lets a retired device upload days up to its retirement, and refuses later days', async () => {
		const device = await enrolledDevice();
		await ledger.setDeviceStatus(device.id, 'retired');
		const commit = (day: string) => {
			const batch = batchId({ deviceId: device.id, siteCode: 'V001', serviceDay: day });
			return ledger.commitUpdate({
				batchId: batch,
				deviceId: device.id,
				municipality: '131016',
				siteCode: 'V001',
				serviceDay: day,
				update: Uint8Array.of(day.length, Number(day.slice(-2))),
				signature: new Uint8Array(64),
				events: []
			});
		};
		expect(await commit('2020-01-01')).toHaveProperty('seq');
		expect(await commit('2099-12-31')).toEqual({ retired: true });
	});

	it('keeps the lot master: one row per product and lot, listed per site', async () => {
		await ledger.putLot({ product: 'comirnaty', lot: 'FK1', expiry: '2030-01-31', sites: ['V001'] });
		await ledger.putLot({ product: 'comirnaty', lot: 'FK1', expiry: '2030-02-28', sites: ['V001', 'V002'] });
		await ledger.putLot({ product: 'spikevax', lot: 'MD1', expiry: '2030-03-31', sites: ['V003'] });
		expect(await ledger.lots('V002')).toEqual([
			{ product: 'comirnaty', lot: 'FK1', expiry: '2030-02-28', sites: ['V001', 'V002'] }
		]);
		expect((await ledger.lots()).map((l) => l.lot)).toEqual(['FK1', 'MD1']);
		expect(await ledger.lots('V404')).toEqual([]);
	});

	it('keeps vaccine catalogue versions append-only: seeded once, each version number stored once, listed in order', async () => {
		expect(await ledger.latestCatalogVersion()).toBe(0);
		// Two processes starting at once both seed; one row results, the first one's.
		await Promise.all([ledger.seedCatalog({ seed: 'a' }), ledger.seedCatalog({ seed: 'a' })]);
		await ledger.seedCatalog({ seed: 'b' });
		expect(await ledger.latestCatalogVersion()).toBe(1);
		const system = { id: null, name: 'system' };
		expect(await ledger.db.transaction((tx) => ledger.appendCatalogVersion(tx, 2, { v: 2 }, system))).toBe(true);
		expect(await ledger.db.transaction((tx) => ledger.appendCatalogVersion(tx, 2, { v: 'other' }, system))).toBe(false);
		expect(await ledger.latestCatalogVersion()).toBe(2);
		const all = await ledger.catalogVersions();
		expect(all.map((c) => [c.version, c.catalog, c.createdBy])).toEqual([
			[1, { seed: 'a' }, 'system'],
			[2, { v: 2 }, 'system']
		]);
		expect((await ledger.catalogVersions(1)).map((c) => c.version)).toEqual([2]);
		await expect(ledger.db.query("UPDATE vaccine_catalogs SET catalog = '{}' WHERE version = 1")).rejects.toThrow(
			/append-only/
		);
		await expect(ledger.db.query('DELETE FROM vaccine_catalogs')).rejects.toThrow(/append-only/);
		expect(await ledger.latestCatalogVersion()).toBe(2);
	});
});
