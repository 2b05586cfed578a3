import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BATCH_EVENTS, batchId, type DoseEvent } from '#shared/index';
import { generateKeyPairs } from '#shared/protocol/keys';
import { openLedger } from '../../sync-server/ledger/open';
import { Sealer } from '../../sync-server/secrets/sealer';
import { ServerKeyring } from '../../sync-server/secrets/server-keyring';
import type { Ledger, UpdateToCommit } from '../../sync-server/ledger/ledger';
import type { SqlExecutor } from '../../sync-server/ledger/sql';
import { createLogger } from '../../sync-server/logger';
import { VenueNotify, type RemoteUpdate } from '../../sync-server/transport/venue-notify';
import { doseEvent } from '../helpers/fixtures';
import { createTestDatabase } from '../helpers/postgres';
import { startTcpProxy } from '../helpers/tcp-proxy';

/** One update of the device's batch of `day` at site V001, as ingest hands it to the ledger. */
function toCommit(deviceId: string, day: string, update: Uint8Array, event: DoseEvent): UpdateToCommit {
	return {
		batchId: batchId({ deviceId, siteCode: 'V001', serviceDay: day }),
		deviceId,
		municipality: '131016',
		siteCode: 'V001',
		serviceDay: day,
		update,
		signature: new Uint8Array(64),
		events: [event]
	};
}

/** Stores one dose of a fresh batch of the device, as ingest would, and returns its seq. */
async function storeDose(ledger: Ledger, deviceId: string, day: string): Promise<number> {
	const event = doseEvent({ deviceId, batch: batchId({ deviceId, siteCode: 'V001', serviceDay: day }) });
	const doc = new Y.Doc();
	doc.getArray(BATCH_EVENTS).push([event]);
	const r = await ledger.commitUpdate(toCommit(deviceId, day, Y.encodeStateAsUpdate(doc), event));
	if (!('seq' in r)) throw new Error('not stored');
	return r.seq;
}

/** A listener as a server process starts it, with what it delivered and a wait for more. */
async function listen(databaseUrl: string, db: SqlExecutor, cleanups: (() => Promise<unknown>)[]) {
	const heard: RemoteUpdate[] = [];
	let wake = () => undefined as void;
	const notify = await VenueNotify.start({
		databaseUrl,
		origin: 'vacc-sync-test',
		db,
		log: createLogger(() => undefined),
		onUpdate: (u) => {
			heard.push(u);
			wake();
		}
	});
	cleanups.push(() => notify.close());
	const until = async (pred: () => boolean) => {
		while (!pred()) await new Promise<void>((r) => (wake = r));
	};
	return { heard, until };
}

/** A fresh PostgreSQL ledger with the server's keys and one enrolled device. */
async function setUp(cleanups: (() => Promise<unknown>)[]) {
	const db = await createTestDatabase();
	cleanups.push(db.drop);
	const ledger = await openLedger({ databaseUrl: db.url, dataDir: '/nonexistent' });
	cleanups.push(() => ledger.db.close());
	// The server's keys, which enrolment codes carry.
	await ServerKeyring.open(ledger.db, new Sealer(randomBytes(32)));
	const enrolment = await ledger.createEnrolment({
		municipality: '131016',
		setting: 'mass',
		siteCode: 'V001',
		label: 'notify test',
		ttlMs: 60_000
	});
	const keys = generateKeyPairs();
	const enrolled = await ledger.enrolDevice(enrolment.id, enrolment.secret, {
		box: keys.box.publicKey,
		sign: keys.sign.publicKey
	});
	if (!enrolled.ok) throw new Error(enrolled.error);
	const deviceId = enrolled.device.id;
	return { db, ledger, deviceId };
}

describe('update notices between processes (PostgreSQL LISTEN/NOTIFY)', () => {
	const cleanups: (() => Promise<unknown>)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	it('hears what other sessions store, and after its connection drops catches up on what it missed', async () => {
		const { db, ledger, deviceId } = await setUp(cleanups);

		// The listener reaches PostgreSQL through a proxy the test can cut; the reads do not.
		const pgUrl = new URL(db.url);
		const proxy = await startTcpProxy(Number(pgUrl.port || 5432));
		cleanups.push(() => proxy.close());
		pgUrl.host = `127.0.0.1:${proxy.port}`;
		const { heard, until } = await listen(pgUrl.toString(), ledger.db, cleanups);

		const first = await storeDose(ledger, deviceId, '2026-11-22');
		await until(() => heard.some((u) => u.seq === first));
		expect(heard.find((u) => u.seq === first)).toMatchObject({ deviceId, siteCode: 'V001', serviceDay: '2026-11-22' });

		// Cut the listener's connection and keep it cut while another update commits: its
		// notice is sent to nobody, so only the catch-up after reconnecting can deliver it.
		proxy.pause();
		const missed = await storeDose(ledger, deviceId, '2026-11-23');
		// Let a few reconnect attempts fail first.
		await proxy.refusals(3);
		proxy.resume();
		await until(() => heard.some((u) => u.seq === missed));
		expect(heard.find((u) => u.seq === missed)).toMatchObject({ serviceDay: '2026-11-23' });

		// And it listens again, on one connection: failed attempts while the database was out
		// of reach must not have started reconnect loops of their own.
		const after = await storeDose(ledger, deviceId, '2026-11-24');
		await until(() => heard.some((u) => u.seq === after));
		const sessions = await ledger.db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'vacc-sync-test-listen'`
		);
		expect(sessions.rows[0]!.n).toBe(1);
	});

	it('reads the updates of one group commit together, in seq order', async () => {
		const { db, ledger, deviceId } = await setUp(cleanups);
		let reads = 0;
		const counting: SqlExecutor = {
			query: (text, params) => {
				if (text.includes('FROM sync_updates u JOIN batches')) reads++;
				return ledger.db.query(text, params);
			},
			exec: (script) => ledger.db.exec(script)
		};
		const { heard, until } = await listen(db.url, counting, cleanups);

		// Another process's group commit: 40 updates of one batch in one transaction, whose
		// 40 notices PostgreSQL delivers together at its COMMIT.
		const day = '2026-11-25';
		const batch = batchId({ deviceId, siteCode: 'V001', serviceDay: day });
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		const events = Array.from({ length: 40 }, () => doseEvent({ deviceId, batch }));
		for (const event of events) doc.getArray(BATCH_EVENTS).push([event]);
		const outcomes = await ledger.commitUpdates(
			updates.map((update, i) => toCommit(deviceId, day, update, events[i]!))
		);
		const seqs = outcomes.map((o) => ('seq' in o ? o.seq : -1));
		expect(seqs).not.toContain(-1);

		await until(() => heard.length >= seqs.length);
		expect(heard.map((u) => u.seq)).toEqual([...seqs].sort((a, b) => a - b));
		expect(heard.map((u) => u.update)).toEqual(updates);
		// One read per notice was 40; they arrive in one or a few socket reads.
		expect(reads).toBeLessThanOrEqual(4);
	});
});
