import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentRecords } from '../../client/lib/records';
import { standingDoses } from '../../client/lib/warnings';
import type { EventView } from '../../client/lib/storage/db';
import { sampleDose, sampleNotVaccinated } from '#shared/domain/testing/fixtures';
import { batchId, recordOf, type CorrectedRecord, type DoseEvent } from '#shared/index';
import nacl from 'tweetnacl';
import { Ledger } from '../../sync-server/ledger/ledger';
import { openLedger } from '../../sync-server/ledger/open';
import type { SqlDatabase } from '../../sync-server/ledger/sql';
import { BACKENDS, createTestDatabase } from '../helpers/postgres';
import { migrate } from '../../sync-server/ledger/migrate';
import { openPglite } from '../../sync-server/ledger/pglite';
import { Sealer } from '../../sync-server/secrets/sealer';
import { ServerKeyring } from '../../sync-server/secrets/server-keyring';

/**
 * The "current record" rule lives in the station (client/lib/records.ts for today's list,
 * client/lib/warnings.ts for "already recorded") and in the ledger
 * (sync-server/ledger/projection.ts, dose_records). Both must give the
 * same record for every history of doses, corrections and voids, whatever order the events
 * arrive in and however the device's clock moved between them. Each generated history goes to
 * the station rule as the device holds it and to a real ledger through commitUpdates, the
 * path ingest takes, split into updates that arrive in a generated order, on both backends.
 */

const T0 = Date.parse('2025-10-01T01:00:00.000Z');
const SITE = 'V001';

interface Root {
	kind: 'dose' | 'not-vaccinated';
	/** Seconds after T0: few values, so equal recordedAt times (ordered by id) are common. */
	at: number;
}
interface FollowUp {
	kind: 'correction' | 'void';
	/** Index into the events made before this one: what it replaces. */
	target: number;
	/** Seconds after T0; may lie before its target (the tablet's clock was set back). */
	at: number;
	/** Which corrected record: lot variants of a dose, or a screening (接種不適当). */
	variant: number;
	/** Names an event the history never holds (its root is in no batch here). */
	orphan: boolean;
}

const historyArb = fc.record({
	roots: fc.array(fc.record({ kind: fc.constantFrom('dose', 'not-vaccinated'), at: fc.integer({ min: 0, max: 6 }) }), {
		minLength: 1,
		maxLength: 3
	}),
	followUps: fc.array(
		fc.record({
			kind: fc.constantFrom('correction', 'void'),
			target: fc.nat(),
			at: fc.integer({ min: -3, max: 9 }),
			variant: fc.integer({ min: 0, max: 3 }),
			orphan: fc.integer({ min: 0, max: 11 }).map((n) => n === 0)
		}),
		{ maxLength: 7 }
	),
	/** Distinct id suffixes: their order decides between events recorded at the same time. */
	ids: fc.uniqueArray(fc.integer({ min: 1, max: 0xfffff }), { minLength: 11, maxLength: 11 }),
	/** Arrival order at the server and how the events are cut into updates and commits. */
	arrival: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }),
	cuts: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 10, maxLength: 10 }),
	groups: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 10, maxLength: 10 })
});
type History = { roots: Root[]; followUps: FollowUp[]; ids: number[] };

const idOf = (n: number) => `01936f60-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const timeOf = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function correctedRecord(base: CorrectedRecord, variant: number): CorrectedRecord {
	// The same ticket, dose and day: a correction of the lot, or of the outcome (接種不適当).
	const same = {
		municipality: base.municipality,
		ticketNumber: base.ticketNumber,
		doseNumber: base.doseNumber,
		givenAt: base.givenAt,
		siteCode: base.siteCode
	};
	const event =
		variant === 3
			? sampleNotVaccinated(same)
			: sampleDose({ ...same, vaccine: { ...sampleDose().vaccine, lot: `FA12${variant}0` } });
	return recordOf(event)!;
}

/** The events of a history, in the order the device made them. */
function eventsOf(h: History, deviceId: string): DoseEvent[] {
	const batch = batchId({ deviceId, siteCode: SITE, serviceDay: '2025-10-01' });
	const common = (i: number, at: number) => ({
		id: idOf(h.ids[i]!),
		batch,
		device: deviceId,
		operator: 'N001',
		recordedAt: timeOf(at)
	});
	const events: DoseEvent[] = [];
	const records: CorrectedRecord[] = [];
	h.roots.forEach((r, i) => {
		const fields = {
			...common(i, r.at),
			ticketNumber: String(1000 + i).padStart(10, '0'),
			givenAt: timeOf(r.at - 60),
			siteCode: SITE
		};
		const ev = r.kind === 'dose' ? sampleDose(fields) : sampleNotVaccinated(fields);
		events.push(ev);
		records.push(recordOf(ev)!);
	});
	h.followUps.forEach((f, j) => {
		const i = h.roots.length + j;
		const target = f.target % events.length;
		const replaces = f.orphan ? idOf(0xfffff + 1 + j) : events[target]!.id;
		const base = records[target]!;
		const ev: DoseEvent =
			f.kind === 'void'
				? { ...common(i, f.at), type: 'void', replaces, reason: '二重登録' }
				: {
						...common(i, f.at),
						type: 'correction',
						replaces,
						reason: '予診票で訂正',
						record: correctedRecord(base, f.variant)
					};
		events.push(ev);
		records.push(recordOf(ev) ?? base);
	});
	return events;
}

/** What both sides must agree on, per record. */
interface Comparable {
	id: string;
	status: 'active' | 'voided';
	corrected: boolean;
	versions: number;
	record: CorrectedRecord;
}

function stationView(events: readonly DoseEvent[]): Comparable[] {
	const views: EventView[] = events.map((event) => ({
		id: event.id,
		batchId: event.batch,
		client: 1,
		clock: 0,
		state: 'receipted',
		event,
		savedAt: event.recordedAt
	}));
	return currentRecords(views)
		.map((r) => ({
			id: r.id,
			status: r.voided ? ('voided' as const) : ('active' as const),
			corrected: r.corrected,
			versions: r.versions,
			record: r.record
		}))
		.sort((a, b) => a.id.localeCompare(b.id));
}

describe.each(BACKENDS)('current record: the station rule and the ledger projection agree (%s)', (backend) => {
	let ledger: Ledger;
	let deviceId: string;
	let drop: () => Promise<void> = async () => undefined;

	// One ledger for every history (each starts from empty projections): a few hundred histories
	// would take minutes with a database each.
	beforeAll(async () => {
		let db: SqlDatabase;
		if (backend === 'pglite') {
			db = await openPglite('memory://');
			await migrate(db);
		} else {
			const pg = await createTestDatabase();
			drop = pg.drop;
			db = (await openLedger({ databaseUrl: pg.url, dataDir: '' })).db;
		}
		ledger = new Ledger(db);
		await ServerKeyring.open(db, new Sealer(randomBytes(32)));
		const e = await ledger.createEnrolment({
			municipality: '131016',
			setting: 'mass',
			siteCode: SITE,
			label: '会場1',
			ttlMs: 60_000
		});
		const r = await ledger.enrolDevice(e.id, e.secret, {
			box: nacl.box.keyPair().publicKey,
			sign: nacl.sign.keyPair().publicKey
		});
		if (!r.ok) throw new Error(r.error);
		deviceId = r.device.id;
	});
	afterAll(async () => {
		await ledger.db.close();
		await drop();
	});

	async function ledgerView(
		events: readonly DoseEvent[],
		arrival: readonly number[],
		cuts: readonly number[],
		groups: readonly number[]
	): Promise<Comparable[]> {
		// The projections start empty; raw updates stay (append-only), each history's are new bytes.
		await ledger.db.exec('DELETE FROM dose_records; DELETE FROM dose_events');
		const run = randomBytes(8).toString('hex');
		const order = events.map((ev, i) => ({ ev, key: arrival[i % arrival.length]! + i * 1e-9 }));
		order.sort((a, b) => a.key - b.key);
		const updates = [];
		for (let at = 0, k = 0; at < order.length; k++) {
			const size = cuts[k % cuts.length]!;
			const chunk = order.slice(at, at + size).map((o) => o.ev);
			at += size;
			updates.push({
				batchId: chunk[0]!.batch,
				deviceId,
				municipality: '131016',
				siteCode: SITE,
				serviceDay: '2025-10-01',
				update: new TextEncoder().encode(`${run} ${chunk.map((e) => e.id).join(',')}`),
				signature: new Uint8Array(64),
				events: chunk
			});
		}
		for (let at = 0, k = 0; at < updates.length; k++) {
			const size = groups[k % groups.length]!;
			await ledger.commitUpdates(updates.slice(at, at + size));
			at += size;
		}
		const { rows } = await ledger.db.query<{
			record_id: string;
			current_event_id: string;
			status: 'active' | 'voided';
			versions: number;
			record: CorrectedRecord | string;
		}>('SELECT record_id, current_event_id, status, versions, record FROM dose_records');
		return rows
			.map((r) => ({
				id: r.record_id,
				status: r.status,
				corrected: r.current_event_id !== r.record_id,
				versions: Number(r.versions),
				record: typeof r.record === 'string' ? (JSON.parse(r.record) as CorrectedRecord) : r.record
			}))
			.sort((a, b) => a.id.localeCompare(b.id));
	}

	it('gives every generated history the same current records on the station and in the ledger', async () => {
		await fc.assert(
			fc.asyncProperty(historyArb, async (h) => {
				const events = eventsOf(h, deviceId);
				const inLedger = await ledgerView(events, h.arrival, h.cuts, h.groups);
				expect(inLedger).toEqual(stationView(events));
				// The confirmation screen's "already recorded" reads the same rule (warnings.ts).
				const key = (r: { municipality: string; ticketNumber: string; doseNumber: number }) =>
					`${r.municipality} ${r.ticketNumber} ${r.doseNumber}`;
				expect(standingDoses(events).map(key).sort()).toEqual(
					inLedger
						.filter((r) => r.status === 'active' && r.record.type === 'dose')
						.map((r) => key(r.record))
						.sort()
				);
			}),
			{ numRuns: 200 }
		);
	}, 120_000);
});
