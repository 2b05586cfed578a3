import {
	batchId,
	createEventValidator,
	DEFAULT_VACCINE_CATALOG,
	serviceDateOf,
	validateEvent,
	type CorrectedRecord,
	type EventValidator,
	type VaccineCatalog,
	type DoseEvent,
	type NotVaccinatedReason,
	type Ticket
} from '#shared/index';
import { newId } from '#shared/ids';
import { DeviceSync, type SyncStatus } from '#shared/sync/device-sync';
import { CLOSE, fromWhatwgSocket } from '#shared/sync/socket';
import { clockSkewMs, isClockSkewed } from '#shared/sync/clock-skew';
import { watchForLock } from './lock';
import { holdStationLock } from './single-tab';
import type { RecordingSession } from './session';
import { BatchStore, type StoredCatalog } from './storage/batch-store';
import { StationDb, type EventView } from './storage/db';
import { RecordBook } from './record-book';
import type { CurrentRecord, LotTotal } from './records';
import { loadIdentity, sealIdentity, type StationIdentity } from './storage/identity';
import { isAcceptablePin, PBKDF2_ITERATIONS, Vault, type SealedBox, type WrappedKey } from './storage/vault';
import { PIN_ERASE_AFTER, PinGuard } from './storage/pin-guard';
import { enrolDevice, fetchDevicePolicy } from './sync/enrol';
import { credentialProblem, type CredentialProblem } from './credentials';
import { DEFAULT_DEVICE_POLICY, type DevicePolicy, type LotEntry } from '#shared/protocol/messages';
import { confirmationWarnings, expectedDose, standingInRecords, type Warning } from './warnings';
import { lotWarnings } from './lot-check';

/** Asks the browser not to evict this site's storage; false when refused or not offered. */
async function askPersistentStorage(): Promise<boolean> {
	return (await navigator.storage?.persist?.()) ?? false;
}

/** Whether the browser granted persistent storage (asked at enrolment, or granted since). */
async function storagePersisted(): Promise<boolean> {
	return (await navigator.storage?.persisted?.()) ?? false;
}

/** A close or reopen of a day's batch. */
const isDayEvent = (v: EventView): boolean => v.event.type === 'batch-close' || v.event.type === 'batch-reopen';

/** The service day (Japan's calendar date) of a moment, as the event schema checks it. */
export function serviceDay(now = new Date()): string {
	return serviceDateOf(now.toISOString())!;
}

export { credentialProblem, type CredentialProblem };

/**
 * What came of an unlock: WRONG (the PIN or staff code; `waitMs` before the next try, 0 if
 * none), WAIT (a wait after wrong PINs is still running: nothing was tried), KEPT (PIN_ERASE_AFTER
 * wrong PINs: what the server receipted was erased, the rest kept, see Station.unlock) or
 * ERASED (everything was receipted: keys and records erased, the station must be enrolled again).
 */
export type UnlockResult =
	| { ok: true }
	| { ok: false; reason: 'WRONG'; failures: number; waitMs: number }
	| { ok: false; reason: 'WAIT'; waitMs: number }
	| { ok: false; reason: 'KEPT'; waitMs: number }
	| { ok: false; reason: 'ERASED' };

/** elsewhere: another tab of this browser profile runs the station (single-tab.ts); this one waits. */
type Phase = 'loading' | 'elsewhere' | 'enrol' | 'locked' | 'unlocked';

export interface LockInfo {
	label: string | null;
	siteCode: string | null;
	/** Events the server has not receipted yet (not sent, or sent without a receipt). */
	notReceipted: number;
}

/*
 * The deployment's device policy (server configuration, sent at every connection, kept in
 * clear: it says nothing of a dose): idle lock, the offline session limit — past it recording
 * stops until the next contact, so a revoked or retired device cannot record for ever offline —
 * and how long settled batches stay.
 */

/**
 * The station's state: enrolment, lock and unlock, the day's settings, today's records and the
 * sync indicator. While locked nothing readable is in memory: no data key, no device keys, no
 * records, and sync is stopped.
 */
export class Station {
	phase = $state<Phase>('loading');
	identity = $state<StationIdentity | null>(null);
	operator = $state<string | null>(null);
	/**
	 * Every event held with its sync state, newest first. Replaced whole at each change, never
	 * changed in place: raw, so a day of 10,000 records is not wrapped in deep proxies that every
	 * list, count and check then reads through.
	 */
	records = $state.raw<EventView[]>([]);
	/** Today's list: the current records (records.ts), kept up to date per event by the book. */
	current = $state.raw<readonly CurrentRecord[]>([]);
	/** Standing doses by product and lot (totalsByLot of current), kept up to date with it. */
	totals = $state.raw<readonly LotTotal[]>([]);
	private book = new RecordBook();
	/** The day's closes and reopens, apart: whether the day stands closed is asked at every change. */
	private dayEvents = $state.raw(new Map<string, EventView>());
	sync = $state<SyncStatus>({ state: 'offline', retryInMs: null });
	session = $state<RecordingSession | null>(null);
	/** When the server last confirmed a commit (the newest receipt), ISO time. */
	lastReceiptAt = $state<string | null>(null);
	/** Lots delivered to this site, from the lot master. */
	lots = $state<LotEntry[]>([]);
	/**
	 * The vaccine catalogue the station records and checks against: the built-in one until the
	 * server's first arrives (at a connection), then the newest received. Raw: replaced whole.
	 */
	catalog = $state.raw<VaccineCatalog>(DEFAULT_VACCINE_CATALOG);
	/** Its version on the server (0: the built-in one). */
	catalogVersion = $state(0);
	/** New events are checked with the validator of the catalogue held (as the server will). */
	private validate: EventValidator = validateEvent;
	/** Last successful handshake with the server (epoch ms); kept in clear: it says nothing of a dose. */
	lastContactAt = $state<number | null>(null);
	now = $state(Date.now());
	/**
	 * This device's clock minus the server's (ms), measured at the last welcome; null before any.
	 * Kept while locked: it says nothing of a dose, and the next welcome replaces it.
	 */
	clockSkewMs = $state<number | null>(null);
	/**
	 * What the lock screen shows: which device and site this is, and how many records the server
	 * has not yet receipted (a person locking a tablet at night must see that some are still only
	 * here). Readable while locked: the label and site are kept in clear (they say nothing of a
	 * dose) and the count comes from the rows' sync states, which are in clear.
	 */
	lockInfo = $state<LockInfo | null>(null);
	/**
	 * The browser refused persistent storage (navigator.storage.persist): it may evict this
	 * site's data, records not yet sent included, when the disk runs short. The station says so.
	 */
	storageNotPersisted = $state(false);
	/** The back office revoked this device and its local data was wiped. */
	revoked = $state(false);
	/** Too many wrong PINs with nothing unreceipted: keys and records were erased. */
	erasedAfterWrongPins = $state(false);

	private readonly db = new StationDb();
	private readonly pinGuard = new PinGuard({
		read: async () => ((await this.db.meta.get('pinFailures'))?.value as number | undefined) ?? 0,
		write: async (n) => void (await this.db.meta.put({ key: 'pinFailures', value: n }))
	});
	private vault: Vault | null = null;
	private store: BatchStore | null = null;
	private engine: DeviceSync | null = null;
	private stopWatching: (() => void) | null = null;

	policy = $state<DevicePolicy>(DEFAULT_DEVICE_POLICY);

	get offlineExpired(): boolean {
		return this.lastContactAt !== null && this.now - this.lastContactAt > this.policy.offlineSessionHours * 3600_000;
	}

	/** Sync stopped because the server offered keys whose certificates did not verify (the pins were kept). */
	get serverKeyRefused(): boolean {
		return this.sync.state === 'stopped' && this.sync.code === CLOSE.SERVER_KEY_CHANGE_REFUSED;
	}

	/** The clock differs from the server's by more than five minutes: the station warns. */
	get clockSkewed(): boolean {
		return isClockSkewed(this.clockSkewMs);
	}

	get waiting(): number {
		return this.records.filter((r) => r.state === 'local' || r.state === 'sent').length;
	}

	async init(): Promise<void> {
		await holdStationLock(() => (this.phase = 'elsewhere'));
		this.phase = (await this.operators()).length > 0 ? 'locked' : 'enrol';
		if (this.phase === 'locked') await this.loadLockInfo();
		if (this.phase === 'locked') this.storageNotPersisted = !(await storagePersisted());
		window.addEventListener('online', () => this.engine?.start());
		window.addEventListener('offline', () => {
			// The socket may linger after the network is gone; stop and wait for 'online'.
			this.engine?.stop();
			this.sync = { state: 'offline', retryInMs: null };
		});
	}

	private async operators(): Promise<WrappedKey[]> {
		return ((await this.db.meta.get('operators'))?.value as WrappedKey[] | undefined) ?? [];
	}

	/**
	 * Enrols the device with a one-time code and makes its first operator: the data key is
	 * created and wrapped with that operator's PIN before anything is stored.
	 */
	async enrol(
		code: string,
		staffCode: string,
		pin: string
	): Promise<{ ok: true } | { ok: false; code: string; message?: string; minLength?: number }> {
		// The deployment's minimum PIN length, checked before the one-time code is spent.
		const policy = await fetchDevicePolicy(code);
		if (!policy.ok) return policy;
		const minLength = policy.policy.pinMinLength;
		if (!isAcceptablePin(pin, minLength)) return { ok: false, code: 'PIN_FORMAT', minLength };
		const result = await enrolDevice(code);
		if (!result.ok) return result;
		const { vault, wrapped } = await Vault.create(staffCode, pin, PBKDF2_ITERATIONS, minLength);
		const identity = await sealIdentity(vault, result.identity);
		await this.db.transaction('rw', this.db.meta, async () => {
			await this.db.meta.put({ key: 'identity', value: identity });
			await this.db.meta.put({ key: 'operators', value: [wrapped] });
			await this.db.meta.put({ key: 'policy', value: policy.policy });
			await this.db.meta.put({ key: 'pinFailures', value: 0 });
			// Enrolment itself was a contact with the server.
			await this.db.meta.put({ key: 'lastContact', value: Date.now() });
		});
		this.revoked = false;
		this.erasedAfterWrongPins = false;
		// Asked once, at enrolment: from now on the device holds records the server may not have.
		await askPersistentStorage();
		await this.open(vault, staffCode);
		return { ok: true };
	}

	/** Lets another operator unlock this device with their own staff code and PIN. */
	async addOperator(staffCode: string, pin: string, again: string): Promise<CredentialProblem | 'EXISTS' | null> {
		if (!this.vault) throw new Error('station locked');
		const problem = credentialProblem(staffCode, pin, again, this.policy.pinMinLength);
		if (problem) return problem;
		const operators = await this.operators();
		if (operators.some((w) => w.staffCode === staffCode)) return 'EXISTS';
		const wrapped = await this.vault.wrapFor(staffCode, pin, PBKDF2_ITERATIONS, this.policy.pinMinLength);
		await this.db.meta.put({ key: 'operators', value: [...operators, wrapped] });
		return null;
	}

	/**
	 * Unlocks with an operator's staff code and PIN. Wrong ones are counted across operators and
	 * reloads (PinGuard: waits after five); an unknown staff code counts like a wrong PIN.
	 */
	async unlock(staffCode: string, pin: string): Promise<UnlockResult> {
		const attempt = await this.pinGuard.begin();
		if (!attempt.ok) return { ok: false, reason: 'WAIT', waitMs: attempt.waitMs };
		const wrapped = (await this.operators()).find((w) => w.staffCode === staffCode);
		const vault = wrapped ? await Vault.unlock(wrapped, pin) : null;
		if (vault) {
			await this.pinGuard.succeeded();
			await this.open(vault, staffCode);
			return { ok: true };
		}
		const waitMs = this.pinGuard.failed(attempt.failures);
		if (attempt.failures < PIN_ERASE_AFTER) return { ok: false, reason: 'WRONG', failures: attempt.failures, waitMs };
		return (await this.eraseReceipted()) ? { ok: false, reason: 'ERASED' } : { ok: false, reason: 'KEPT', waitMs };
	}

	/**
	 * After PIN_ERASE_AFTER wrong PINs in a row: erases what the server already holds, without
	 * the data key (sync states and batch ids are in clear). A batch whose every event is
	 * receipted goes, with its receipts, and so does the venue view (other tables' records, the
	 * server's copies). A batch holding anything not receipted — not yet sent, sent without a
	 * receipt, or refused (the device holds the only copy of a refused record's content) — stays,
	 * and so do the keys that open it: a wrong PIN never erases a dose the server does not
	 * hold. If nothing is left, the keys and the rest go too (true), and
	 * the station must be enrolled again.
	 */
	private async eraseReceipted(): Promise<boolean> {
		const rows = await this.db.events.toArray();
		const kept = new Set(rows.filter((r) => r.state !== 'receipted').map((r) => r.batchId));
		if (kept.size === 0) {
			await this.wipe('pin');
			return true;
		}
		const settled = [...new Set(rows.map((r) => r.batchId))].filter((id) => !kept.has(id));
		await this.db.transaction('rw', [this.db.events, this.db.updates, this.db.receipts, this.db.venue], async () => {
			await this.db.events.where('batchId').anyOf(settled).delete();
			await this.db.updates.where('batchId').anyOf(settled).delete();
			await this.db.receipts.where('batchId').anyOf(settled).delete();
			await this.db.venue.clear();
		});
		return false;
	}

	private async open(vault: Vault, staffCode: string): Promise<void> {
		this.vault = vault;
		// A store of an earlier unlock may still report a change in flight: only this one's count.
		const store: BatchStore = new BatchStore(this.db, vault, (changed) => {
			if (this.store === store) this.storeChanged(changed);
		});
		this.store = store;
		this.store.onLots = (lots) => (this.lots = lots);
		this.lots = await this.store.loadLots();
		this.store.onCatalog = (entry) => this.useCatalog(entry);
		const held = await this.store.loadCatalog();
		if (held) this.useCatalog(held);
		this.identity = await loadIdentity(this.db, vault);
		if (this.identity)
			await this.db.meta.put({
				key: 'lockLabel',
				value: { label: this.identity.label, siteCode: this.identity.siteCode }
			});
		const session = (await this.db.meta.get('session'))?.value as SealedBox | undefined;
		this.session = session ? await vault.openJson<RecordingSession>(session) : null;
		this.operator = staffCode;
		this.lastContactAt = ((await this.db.meta.get('lastContact'))?.value as number | undefined) ?? null;
		// Stored by an older version, a policy may lack a newer field (pinMinLength): the default fills it.
		this.policy = {
			...DEFAULT_DEVICE_POLICY,
			...((await this.db.meta.get('policy'))?.value as Partial<DevicePolicy> | undefined)
		};
		this.now = Date.now();
		// Past days that the server has fully receipted leave the device.
		await this.store.purgeSettledBefore(serviceDay(new Date(this.now - this.policy.retentionDays * 86_400_000)));
		await this.reload();
		this.storageNotPersisted = !(await storagePersisted());
		this.phase = 'unlocked';
		this.stopWatching = watchForLock(() => this.lock(), this.policy.idleLockMinutes * 60_000);
		if (this.identity) this.startSync(this.identity, this.store);
	}

	private useCatalog(entry: StoredCatalog): void {
		this.validate = createEventValidator(entry.catalog);
		this.catalog = entry.catalog;
		this.catalogVersion = entry.version;
	}

	private async loadLockInfo(): Promise<void> {
		const shown = (await this.db.meta.get('lockLabel'))?.value as { label: string; siteCode: string } | undefined;
		// As the server's unreceipted report counts them: a refused record is on record in the office.
		const notReceipted = await this.db.events.where('state').anyOf('local', 'sent').count();
		this.lockInfo = { label: shown?.label ?? null, siteCode: shown?.siteCode ?? null, notReceipted };
	}

	/** Forgets every key and record in memory; the next operator signs in again. */
	lock(): void {
		if (this.phase !== 'unlocked') return;
		this.stopWatching?.();
		this.stopWatching = null;
		this.engine?.stop();
		this.engine = null;
		this.store = null;
		this.vault = null;
		this.identity = null;
		this.session = null;
		this.operator = null;
		this.records = [];
		this.current = [];
		this.totals = [];
		this.book = new RecordBook();
		this.dayEvents = new Map();
		this.lastReceiptAt = null;
		this.lots = [];
		this.sync = { state: 'offline', retryInMs: null };
		this.phase = 'locked';
		// Display only; a wipe right after a lock deletes the database under it, and then there is nothing to show.
		void this.loadLockInfo().catch(() => (this.lockInfo = null));
	}

	private startSync(identity: StationIdentity, store: BatchStore): void {
		const url = new URL('/sync', identity.serverUrl);
		url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
		this.engine = new DeviceSync({
			url: url.toString(),
			identity,
			store,
			openSocket: (u) => fromWhatwgSocket(new WebSocket(u)),
			onStatus: (s) => {
				this.sync = s;
				if (s.state === 'online') {
					this.lastContactAt = this.now = Date.now();
					void this.db.meta.put({ key: 'lastContact', value: this.lastContactAt });
				}
				if (s.state === 'stopped' && s.code === CLOSE.DEVICE_REVOKED) void this.wipe();
			},
			onError: (e) => console.warn('sync', e),
			onWelcome: (w) => {
				this.clockSkewMs = clockSkewMs(w.serverTime, Date.now());
				const changed = JSON.stringify(w.policy) !== JSON.stringify(this.policy);
				this.policy = w.policy;
				void this.db.meta.put({ key: 'policy', value: w.policy });
				if (changed && this.phase === 'unlocked') {
					this.stopWatching?.();
					this.stopWatching = watchForLock(() => this.lock(), w.policy.idleLockMinutes * 60_000);
				}
			},
			venueDay: () => serviceDay()
		});
		if (navigator.onLine) this.engine.start();
	}

	/**
	 * A revoked device (lost or stolen) erases its keys and every record it holds, as the
	 * server told it to; it can be enrolled again with a new code.
	 */
	private async wipe(reason: 'revoked' | 'pin' = 'revoked'): Promise<void> {
		this.lock();
		await this.db.delete();
		await this.db.open();
		this.revoked = reason === 'revoked';
		this.erasedAfterWrongPins = reason === 'pin';
		this.phase = 'enrol';
	}

	async saveSession(session: RecordingSession): Promise<void> {
		if (!this.vault) throw new Error('locked');
		await this.db.meta.put({ key: 'session', value: await this.vault.sealJson($state.snapshot(session)) });
		this.session = session;
	}

	/** The whole day read again (at unlock, after a purge): every record derived from its events. */
	private async reload(): Promise<void> {
		if (!this.store) return;
		const views = await this.store.listEvents();
		this.book.reset(views);
		this.dayEvents = new Map(views.filter((v) => isDayEvent(v)).map((v) => [v.id, v]));
		this.records = views;
		this.current = this.book.records;
		this.totals = this.book.totals;
		await this.readLastReceipt();
	}

	/**
	 * What the store changed: events saved or whose state changed are applied to what is held
	 * (the book updates the records they touch); anything else (a receipt stored, the venue
	 * view) may move the last receipt time.
	 */
	private storeChanged(changed?: readonly EventView[]): void {
		if (!changed) return void this.readLastReceipt();
		if (changed.length === 0 || !this.store) return;
		const byId = new Map(changed.map((v) => [v.id, v]));
		const added = [...byId.values()].filter((v) => !this.book.has(v.id)).reverse();
		const replacing = added.length < byId.size;
		this.book.apply(changed);
		this.current = this.book.records;
		this.totals = this.book.totals;
		const dayEvents = [...byId.values()].filter(isDayEvent);
		if (dayEvents.length > 0)
			this.dayEvents = new Map([...this.dayEvents, ...dayEvents.map((v) => [v.id, v] as const)]);
		const kept = replacing ? this.records.map((r) => byId.get(r.id) ?? r) : this.records;
		this.records = added.length > 0 ? [...added, ...kept] : kept;
	}

	private async readLastReceipt(): Promise<void> {
		const receipts = await this.db.receipts.toArray();
		this.lastReceiptAt = receipts.reduce<string | null>(
			(latest, r) => (latest === null || r.receivedAt > latest ? r.receivedAt : latest),
			null
		);
	}

	/** The dose number to propose for a ticket and what to warn about before saving it. */
	async prepare(ticket: Ticket): Promise<{ doseNumber: number; warnings: Warning[] }> {
		if (!this.store || !this.identity || !this.session) throw new Error('station locked or not set up');
		// A refused record is not in the ledger: it does not count as recorded (the dose is
		// recorded again from it, see RefusedRecords.svelte).
		const events = () => this.records.filter((r) => r.state !== 'refused').map((r) => r.event);
		const venue = await this.store.venueEvents();
		const doseNumber =
			ticket.dose !== null && ticket.dose > 0 ? ticket.dose : expectedDose(ticket, [...events(), ...venue]);
		// The doses standing here are read from today's records (kept per save) rather than
		// derived again from the day's events at every scan, unless one of them was refused.
		const standing = standingInRecords(this.current);
		const warnings = confirmationWarnings({
			ticket,
			doseNumber,
			homeMunicipality: this.identity.municipality,
			here: standing ? { standing } : events(),
			venue,
			lotExpiry: this.session.expiry,
			today: serviceDay()
		});
		// The lot master may have changed since the settings were saved: checked at every read.
		return { doseNumber, warnings: [...warnings, ...lotWarnings(this.session, this.lots)] };
	}

	/**
	 * Doctor codes known for this site: those in the records of this device and of the venue's
	 * other devices at this site (the venue view), newest first. Offered on the settings screen so
	 * a code is chosen rather than typed; read once when the screen opens.
	 */
	async knownDoctorCodes(): Promise<string[]> {
		if (!this.store || !this.identity) return [];
		const site = this.identity.siteCode;
		const events = [...this.records.map((r) => r.event), ...(await this.store.venueEvents())];
		const byTime = new Map<string, string>();
		for (const e of events) {
			const record = e.type === 'correction' ? e.record : e;
			if ((record.type !== 'dose' && record.type !== 'not-vaccinated') || record.siteCode !== site) continue;
			for (const code of [record.screeningDoctor, record.type === 'dose' ? record.vaccinatingDoctor : null]) {
				if (code && (byTime.get(code) ?? '') < e.recordedAt) byTime.set(code, e.recordedAt);
			}
		}
		return [...byTime].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0)).map(([code]) => code);
	}

	/** Today's batch of this device. */
	todayBatch(now = new Date()): string {
		if (!this.identity) throw new Error('station locked');
		return batchId({ deviceId: this.identity.deviceId, siteCode: this.identity.siteCode, serviceDay: serviceDay(now) });
	}

	/** Whether a record (by its id) is of today's batch: only those may be corrected, voided and counted at the close. */
	isTodays(id: string): boolean {
		return this.identity !== null && this.book.view(id)?.batchId === this.todayBatch();
	}

	/** Today's close or reopen in force: the latest recorded (a refused one never took effect). */
	private get lastDayEvent() {
		if (!this.identity) return null;
		const batch = this.todayBatch();
		let last: EventView | null = null;
		for (const r of this.dayEvents.values()) {
			// dayEvents holds closes and reopens only.
			if (r.batchId !== batch || r.state === 'refused') continue;
			if (
				!last ||
				r.event.recordedAt > last.event.recordedAt ||
				(r.event.recordedAt === last.event.recordedAt && r.id > last.id)
			)
				last = r;
		}
		return last;
	}

	/** True while today's batch stands closed with the paper tally (closed, and not reopened since). */
	get closedToday(): boolean {
		return this.lastDayEvent?.event.type === 'batch-close';
	}

	/** The paper tally of today's close in force, or null while the day is open. */
	get closedTally(): number | null {
		const ev = this.lastDayEvent?.event;
		return ev?.type === 'batch-close' ? ev.paperTally : null;
	}

	private common(now: string) {
		const identity = this.identity;
		if (!identity || !this.operator) throw new Error('station locked');
		return {
			id: newId(),
			batch: this.todayBatch(new Date(now)),
			device: identity.deviceId,
			operator: this.operator,
			recordedAt: now
		};
	}

	private recordFields(ticket: Ticket, doseNumber: number, now: string) {
		const identity = this.identity!;
		const s = this.session;
		if (!s) throw new Error('no settings for today');
		return {
			municipality: ticket.municipality,
			ticketNumber: ticket.number,
			ticketKind: ticket.kind,
			ticketDose: ticket.dose,
			doseNumber,
			givenAt: now,
			setting: identity.setting,
			siteCode: identity.siteCode,
			otherMunicipality: ticket.municipality !== identity.municipality,
			screeningDoctor: s.screeningDoctor
		};
	}

	/** Recording needs the station unlocked and in touch with the server within the limit. */
	private assertMayRecord(): void {
		this.now = Date.now();
		if (this.offlineExpired) throw new Error('offline session expired');
	}

	/** Validates and appends; never appends what the server would refuse (it would poison the log). */
	private async append(event: DoseEvent): Promise<void> {
		if (!this.store) throw new Error('station locked');
		this.assertMayRecord();
		const checked = this.validate(event);
		if (!checked.ok) throw new Error(checked.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
		const { live } = await this.store.append(checked.event);
		void this.engine?.push(event.batch, live);
	}

	/** Saves a dose for a confirmed ticket. Resolves once the event is on disk. */
	async recordDose(ticket: Ticket, doseNumber: number): Promise<void> {
		const s = this.session;
		if (!s) throw new Error('no settings for today');
		const now = new Date().toISOString();
		await this.append({
			...this.common(now),
			type: 'dose',
			...this.recordFields(ticket, doseNumber, now),
			vaccine: { product: s.product, maker: s.maker, lot: s.lot, expiry: s.expiry, volumeMl: s.volumeMl },
			injectionSite: s.injectionSite,
			route: s.route,
			vaccinatingDoctor: s.vaccinatingDoctor,
			certificateIssued: true
		});
	}

	/** 接種不適当: screened, not vaccinated, with the reason. */
	async recordNotVaccinated(
		ticket: Ticket,
		doseNumber: number,
		reason: NotVaccinatedReason,
		note: string | null
	): Promise<void> {
		const now = new Date().toISOString();
		await this.append({
			...this.common(now),
			type: 'not-vaccinated',
			...this.recordFields(ticket, doseNumber, now),
			reason,
			reasonNote: note
		});
	}

	/** Voids one of today's records (a new event naming it, with the reason). */
	async voidRecord(latestId: string, reason: string): Promise<void> {
		await this.append({ ...this.common(new Date().toISOString()), type: 'void', replaces: latestId, reason });
	}

	/** Corrects one of today's records: the whole corrected record, naming the one it replaces. */
	async correctRecord(latestId: string, record: CorrectedRecord, reason: string): Promise<void> {
		await this.append({
			...this.common(new Date().toISOString()),
			type: 'correction',
			replaces: latestId,
			reason,
			record
		});
	}

	/** Closes today's batch with the venue's count of paper 予診票. */
	async closeDay(paperTally: number): Promise<void> {
		await this.append({ ...this.common(new Date().toISOString()), type: 'batch-close', paperTally });
	}

	/** Reopens a day closed by mistake, with the reason; a later close's tally is the one that counts. */
	async reopenDay(reason: string): Promise<void> {
		await this.append({ ...this.common(new Date().toISOString()), type: 'batch-reopen', reason });
	}
}
