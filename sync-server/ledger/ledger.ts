import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '#shared/ids';
import { containsMyNumber, isUuid, JAPAN_TIME_ZONE, type DoseEvent } from '#shared/index';
import type { PublicKeys } from '#shared/protocol/keys';
import { toB64 } from '#shared/protocol/bytes';
import { projectUpdates } from './projection';
import { storeRefusedEvents, type RefusedEvent } from './refused-events';
import type { SqlDatabase, SqlExecutor } from './sql';
import { ADVISORY_LOCKS } from './advisory-locks';

export type Setting = 'mass' | 'clinic';

export interface DeviceRecord {
	id: string;
	municipality: string;
	setting: Setting;
	siteCode: string;
	label: string;
	status: 'active' | 'retired' | 'revoked';
	keys: PublicKeys;
	/** The generation of the server's keys this device has pinned (sync-server/secrets/server-keyring.ts). */
	serverKeyGeneration: number;
}

export interface NewEnrolment {
	municipality: string;
	setting: Setting;
	siteCode: string;
	label: string;
	ttlMs: number;
}

export type EnrolmentError = 'ENROLMENT_UNKNOWN' | 'ENROLMENT_USED' | 'ENROLMENT_EXPIRED';

export interface LotRecord {
	product: string;
	lot: string;
	expiry: string;
	sites: string[];
}

/** One stored version of the vaccine catalogue (checked before it was stored). */
export interface StoredCatalog {
	version: number;
	catalog: unknown;
	createdAt: string;
	createdBy: string;
}

export interface StoredUpdate {
	seq: number;
	update: Uint8Array;
}

export interface UpdateToCommit {
	batchId: string;
	deviceId: string;
	municipality: string;
	siteCode: string;
	serviceDay: string;
	update: Uint8Array;
	signature: Uint8Array;
	events: DoseEvent[];
}

export type CommitOutcome = { seq: number } | { duplicate: true } | { revoked: true } | { retired: true };

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();
const bytes = (v: unknown) => new Uint8Array(v as Uint8Array);

interface DeviceRow {
	id: string;
	municipality: string;
	setting: Setting;
	site_code: string;
	label: string;
	status: DeviceRecord['status'];
	box_public: Uint8Array;
	sign_public: Uint8Array;
	server_key_generation: number;
}

const toDevice = (r: DeviceRow): DeviceRecord => ({
	id: r.id,
	municipality: r.municipality,
	setting: r.setting,
	siteCode: r.site_code,
	label: r.label,
	status: r.status,
	keys: { box: bytes(r.box_public), sign: bytes(r.sign_public) },
	serverKeyGeneration: Number(r.server_key_generation)
});

/**
 * The ledger's operations, written once in SQL that both backends run. Each method is one
 * transaction or one statement; nothing here holds state between calls.
 */
export class Ledger {
	constructor(readonly db: SqlDatabase) {}

	/**
	 * A one-time enrolment code for the server's current key generation, whose public keys the
	 * code carries (the device pins them). `alsoInTransaction` commits with the enrolment (its
	 * audit entry). The keyring lock (shared) keeps a rotation's clean-up from destroying the
	 * secrets of the generation a code is being issued for.
	 */
	async createEnrolment(
		e: NewEnrolment,
		alsoInTransaction?: (tx: SqlExecutor) => Promise<unknown>
	): Promise<{ id: string; secret: string; expiresAt: Date; serverKeys: PublicKeys; serverKeyGeneration: number }> {
		const id = newId();
		const secret = toB64(randomBytes(32));
		const expiresAt = new Date(Date.now() + e.ttlMs);
		return this.db.transaction(async (tx) => {
			await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [ADVISORY_LOCKS.serverKeys]);
			const { rows } = await tx.query<{ generation: number; box_public: Uint8Array; sign_public: Uint8Array }>(
				'SELECT generation, box_public, sign_public FROM server_key_generations ORDER BY generation DESC LIMIT 1'
			);
			const current = rows[0];
			if (!current) throw new Error('the server has no keys yet');
			await tx.query(
				`INSERT INTO enrolments (id, secret_hash, municipality, setting, site_code, label, expires_at, server_key_generation)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				[id, sha256(secret), e.municipality, e.setting, e.siteCode, e.label, expiresAt, current.generation]
			);
			await alsoInTransaction?.(tx);
			return {
				id,
				secret,
				expiresAt,
				serverKeys: { box: bytes(current.box_public), sign: bytes(current.sign_public) },
				serverKeyGeneration: Number(current.generation)
			};
		});
	}

	/** Uses a one-time enrolment code to register a device's public keys. */
	async enrolDevice(
		enrolmentId: string,
		secret: string,
		keys: PublicKeys
	): Promise<{ ok: true; device: DeviceRecord } | { ok: false; error: EnrolmentError }> {
		return this.db.transaction(async (tx) => {
			const { rows } = await tx.query<{
				secret_hash: Uint8Array;
				used_at: Date | null;
				expired: boolean;
				municipality: string;
				setting: Setting;
				site_code: string;
				label: string;
				server_key_generation: number;
			}>(
				`SELECT secret_hash, used_at, expires_at < now() AS expired, municipality, setting, site_code, label, server_key_generation
				 FROM enrolments WHERE id = $1 FOR UPDATE`,
				[enrolmentId]
			);
			const e = rows[0];
			if (!e || !timingSafeEqual(Buffer.from(bytes(e.secret_hash)), sha256(secret)))
				return { ok: false, error: 'ENROLMENT_UNKNOWN' };
			if (e.used_at) return { ok: false, error: 'ENROLMENT_USED' };
			if (e.expired) return { ok: false, error: 'ENROLMENT_EXPIRED' };
			const deviceId = newId();
			const inserted = await tx.query<DeviceRow>(
				`INSERT INTO devices (id, enrolment_id, municipality, setting, site_code, label, box_public, sign_public, server_key_generation)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
				[
					deviceId,
					enrolmentId,
					e.municipality,
					e.setting,
					e.site_code,
					e.label,
					keys.box,
					keys.sign,
					e.server_key_generation
				]
			);
			await tx.query('UPDATE enrolments SET used_at = now(), device_id = $2 WHERE id = $1', [enrolmentId, deviceId]);
			return { ok: true, device: toDevice(inserted.rows[0]!) };
		});
	}

	async device(id: string): Promise<DeviceRecord | null> {
		const { rows } = await this.db.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
		return rows[0] ? toDevice(rows[0]) : null;
	}

	async countDevices(): Promise<number> {
		const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM devices');
		return rows[0]!.n;
	}

	/** Sets a device's status; revoked is final, retired can only become revoked. */
	async setDeviceStatus(
		id: string,
		status: 'retired' | 'revoked',
		alsoInTransaction?: (tx: SqlExecutor, device: DeviceRecord) => Promise<unknown>
	): Promise<DeviceRecord | null> {
		return this.db.transaction(async (tx) => {
			// FOR UPDATE, which an UPDATE of non-key columns does not take by itself: it conflicts
			// with the key-share lock commitUpdates holds on the device's row, so a commit in flight
			// ends before the status changes, and one starting later sees the new status.
			await tx.query('SELECT 1 FROM devices WHERE id = $1 FOR UPDATE', [id]);
			const { rows } = await tx.query<DeviceRow>(
				`UPDATE devices SET status = $2, retired_at = CASE WHEN $2 = 'retired' THEN now() ELSE retired_at END
				 WHERE id = $1 AND (status = 'active' OR (status = 'retired' AND $2 = 'revoked')) RETURNING *`,
				[id, status]
			);
			const device = rows[0] ? toDevice(rows[0]) : null;
			if (device) await alsoInTransaction?.(tx, device);
			return device;
		});
	}

	async touchDevice(id: string): Promise<void> {
		await this.db.query('UPDATE devices SET last_seen_at = now() WHERE id = $1', [id]);
	}

	/** The device's own count of events not yet receipted, with the time of its report (also a contact). */
	async reportUnreceipted(id: string, count: number): Promise<void> {
		await this.db.query(
			'UPDATE devices SET unreceipted_count = $2, unreceipted_reported_at = now(), last_seen_at = now() WHERE id = $1',
			[id, count]
		);
	}

	async batchUpdates(batchId: string): Promise<StoredUpdate[]> {
		const { rows } = await this.db.query<{ seq: number; update: Uint8Array }>(
			'SELECT seq, update FROM sync_updates WHERE batch_id = $1 ORDER BY seq',
			[batchId]
		);
		return rows.map((r) => ({ seq: Number(r.seq), update: bytes(r.update) }));
	}

	/**
	 * Stores a verified update and projects its events, in one transaction. Storing the same
	 * update again changes nothing; an event already projected (resent inside another update)
	 * is not projected twice.
	 */
	async commitUpdate(u: UpdateToCommit): Promise<CommitOutcome> {
		return (await this.commitUpdates([u]))[0]!;
	}

	/**
	 * Stores verified updates of any devices and batches and projects their events, all in one
	 * transaction with set-based statements (group commit: sync-server/ingest/group-commit.ts),
	 * and says per update, in order, what became of it. `knownBatches` are batch rows known to
	 * exist already (a batch row is never deleted), whose insert is skipped.
	 */
	async commitUpdates(
		us: readonly UpdateToCommit[],
		knownBatches: ReadonlySet<string> = new Set()
	): Promise<CommitOutcome[]> {
		if (us.length === 0) return [];
		return this.db.transaction(async (tx) => {
			// Checked inside the transaction: a revocation that commits first wins, whatever
			// the connection believed at its handshake. A retired device uploads what it
			// recorded up to the (Japanese) day it was retired, nothing of later days.
			// FOR KEY SHARE, not FOR SHARE: it still waits for (and then sees) a status change,
			// which locks the row FOR UPDATE (setDeviceStatus), but not for the last-seen and
			// unreceipted-count updates every connected device makes. With FOR SHARE each of
			// those waited for the group commit in flight, holding a pool connection and its
			// device's frame queue meanwhile: the offline-ingest regression of the group commit.
			const devices = [...new Set(us.map((u) => u.deviceId))];
			const status = await tx.query<{ id: string; status: string; retired_day: string | null }>(
				`SELECT id, status, to_char(retired_at AT TIME ZONE '${JAPAN_TIME_ZONE}', 'YYYY-MM-DD') AS retired_day FROM devices WHERE id = ANY($1::uuid[]) FOR KEY SHARE`,
				[devices]
			);
			const byId = new Map(status.rows.map((r) => [r.id, r]));
			const out: CommitOutcome[] = us.map((u) => {
				const device = byId.get(u.deviceId);
				if (!device || device.status === 'revoked') return { revoked: true as const };
				if (device.status === 'retired' && device.retired_day !== null && u.serviceDay > device.retired_day)
					return { retired: true as const };
				return { duplicate: true as const };
			});
			const admitted = us.map((u, i) => ({ u, i })).filter(({ i }) => 'duplicate' in out[i]!);
			if (admitted.length === 0) return out;
			const newBatches = new Map<string, UpdateToCommit>();
			for (const { u } of admitted) if (!knownBatches.has(u.batchId)) newBatches.set(u.batchId, u);
			if (newBatches.size > 0) {
				const b = [...newBatches.values()];
				await tx.query(
					`INSERT INTO batches (id, device_id, municipality, site_code, service_day)
					 SELECT * FROM unnest($1::text[], $2::uuid[], $3::char(6)[], $4::text[], $5::date[]) ON CONFLICT (id) DO NOTHING`,
					[
						b.map((x) => x.batchId),
						b.map((x) => x.deviceId),
						b.map((x) => x.municipality),
						b.map((x) => x.siteCode),
						b.map((x) => x.serviceDay)
					]
				);
			}
			// The updates and signatures travel as one base64 text, decoded once and cut apart by
			// offsets. A bytea parameter, or a bytea[] of hex, crosses into PGlite byte by byte
			// (800 ms for 2 MB, where base64 takes 26 ms); on PostgreSQL base64 costs a third
			// more bytes and nothing else noticeable.
			const hashes = admitted.map(({ u }) => sha256(u.update).toString('hex'));
			const blob = Buffer.concat(admitted.flatMap(({ u }) => [u.update, u.signature])).toString('base64');
			const [updateAt, updateLen, signatureAt, signatureLen]: number[][] = [[], [], [], []];
			let at = 1; // substring() counts from 1
			for (const { u } of admitted) {
				updateAt!.push(at);
				updateLen!.push(u.update.length);
				at += u.update.length;
				signatureAt!.push(at);
				signatureLen!.push(u.signature.length);
				at += u.signature.length;
			}
			const stored = await tx.query<{ seq: number; batch_id: string; hash: string }>(
				`WITH blob AS (SELECT decode($3::text, 'base64') AS bytes)
				 INSERT INTO sync_updates (batch_id, device_id, update, signature, update_hash)
				 SELECT b, d, substring(blob.bytes FROM uo FOR ul), substring(blob.bytes FROM so FOR sl), decode(h, 'hex')
				 FROM blob, unnest($1::text[], $2::uuid[], $4::int[], $5::int[], $6::int[], $7::int[], $8::text[]) AS t(b, d, uo, ul, so, sl, h)
				 ON CONFLICT (batch_id, update_hash) DO NOTHING RETURNING seq, batch_id, encode(update_hash, 'hex') AS hash`,
				[
					admitted.map(({ u }) => u.batchId),
					admitted.map(({ u }) => u.deviceId),
					blob,
					updateAt,
					updateLen,
					signatureAt,
					signatureLen,
					hashes
				]
			);
			const seqOf = new Map(stored.rows.map((r) => [`${r.batch_id} ${r.hash}`, Number(r.seq)]));
			const toProject = [];
			for (const [k, { u, i }] of admitted.entries()) {
				const seq = seqOf.get(`${u.batchId} ${hashes[k]}`);
				if (seq === undefined) continue;
				// One row per (batch, hash): the same update twice in one group is stored once.
				seqOf.delete(`${u.batchId} ${hashes[k]}`);
				out[i] = { seq };
				toProject.push({ batchId: u.batchId, deviceId: u.deviceId, seq, events: u.events });
			}
			await projectUpdates(tx, toProject);
			return out;
		});
	}

	/**
	 * Records that an update was refused, for the back office: identifiers, the server's own
	 * message and, for each refused event the refusal names, what refused-events.ts keeps of it
	 * (its content and every problem, never a My Number), in one transaction.
	 */
	async logRefusal(r: {
		deviceId: string;
		batchId: string;
		code: string;
		message: string;
		eventIds: string[];
		refused?: readonly RefusedEvent[] | undefined;
	}): Promise<void> {
		const batchId = r.batchId.length <= 100 && !containsMyNumber(r.batchId) ? r.batchId : '(withheld)';
		const eventIds = r.eventIds.filter((id) => isUuid(id) && !containsMyNumber(id));
		await this.db.transaction(async (tx) => {
			const { rows } = await tx.query<{ id: number }>(
				'INSERT INTO refused_updates (device_id, batch_id, code, message, event_ids) VALUES ($1, $2, $3, $4, $5) RETURNING id',
				[
					r.deviceId,
					batchId,
					r.code,
					containsMyNumber(r.message)
						? '(withheld: the message contained a number shaped like a My Number)'
						: r.message.slice(0, 500),
					JSON.stringify(eventIds)
				]
			);
			const refused = (r.refused ?? []).filter((e) => eventIds.includes(e.eventId));
			if (batchId !== '(withheld)' && refused.length > 0)
				await storeRefusedEvents(tx, { refusedUpdateId: Number(rows[0]!.id), deviceId: r.deviceId, batchId }, refused);
		});
	}

	/** Creates or replaces a lot of the lot master. */
	async putLot(l: LotRecord, alsoInTransaction?: (tx: SqlExecutor) => Promise<unknown>): Promise<void> {
		await this.db.transaction(async (tx) => {
			await alsoInTransaction?.(tx);
			await tx.query(
				`INSERT INTO lots (product, lot, expiry, sites) VALUES ($1, $2, $3, $4)
			 ON CONFLICT (product, lot) DO UPDATE SET expiry = $3, sites = $4, updated_at = now()`,
				[l.product, l.lot, l.expiry, JSON.stringify(l.sites)]
			);
		});
	}

	/** Lots of the master, all or those delivered to one site. */
	async lots(siteCode?: string): Promise<LotRecord[]> {
		const { rows } = await this.db.query<{ product: string; lot: string; expiry: string; sites: string[] | string }>(
			`SELECT product, lot, to_char(expiry, 'YYYY-MM-DD') AS expiry, sites FROM lots
			 WHERE $1::text IS NULL OR sites ? $1::text ORDER BY product, expiry, lot`,
			[siteCode ?? null]
		);
		return rows.map((r) => ({
			product: r.product,
			lot: r.lot,
			expiry: r.expiry,
			sites: typeof r.sites === 'string' ? JSON.parse(r.sites) : r.sites
		}));
	}

	/**
	 * Stores version 1 of the vaccine catalogue if none is stored yet. Several processes starting
	 * at once on one PostgreSQL all try; the primary key lets exactly one insert.
	 */
	async seedCatalog(catalog: unknown): Promise<void> {
		await this.db.query(
			`INSERT INTO vaccine_catalogs (version, catalog, created_by, created_by_name) VALUES (1, $1, NULL, 'system') ON CONFLICT (version) DO NOTHING`,
			[JSON.stringify(catalog)]
		);
	}

	/** The highest stored catalogue version (0 when none): one index lookup, cheap to ask before each use. */
	async latestCatalogVersion(exec: SqlExecutor = this.db): Promise<number> {
		const { rows } = await exec.query<{ v: number | null }>('SELECT max(version) AS v FROM vaccine_catalogs');
		return Number(rows[0]?.v ?? 0);
	}

	/** Stored catalogue versions above `after`, oldest first. */
	async catalogVersions(after = 0, exec: SqlExecutor = this.db): Promise<StoredCatalog[]> {
		const { rows } = await exec.query<{
			version: number;
			catalog: unknown;
			created_at: Date | string;
			created_by_name: string;
		}>(
			'SELECT version, catalog, created_at, created_by_name FROM vaccine_catalogs WHERE version > $1 ORDER BY version',
			[after]
		);
		return rows.map((r) => ({
			version: Number(r.version),
			catalog: typeof r.catalog === 'string' ? (JSON.parse(r.catalog) as unknown) : r.catalog,
			createdAt: new Date(r.created_at).toISOString(),
			createdBy: r.created_by_name
		}));
	}

	/**
	 * Appends one catalogue version inside the caller's transaction (which also writes its audit
	 * entry). False when that version number is taken already: someone stored it first.
	 */
	async appendCatalogVersion(
		tx: SqlExecutor,
		version: number,
		catalog: unknown,
		actor: { id: string | null; name: string }
	): Promise<boolean> {
		const { rows } = await tx.query(
			`INSERT INTO vaccine_catalogs (version, catalog, created_by, created_by_name) VALUES ($1, $2, $3, $4)
			 ON CONFLICT (version) DO NOTHING RETURNING version`,
			[version, JSON.stringify(catalog), actor.id, actor.name]
		);
		return rows.length === 1;
	}

	async countDoseEvents(): Promise<number> {
		const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dose_events');
		return rows[0]!.n;
	}
}
