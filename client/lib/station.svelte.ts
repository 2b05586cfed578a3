import { batchId, serviceDateOf, validateEvent, type DoseRecordEvent, type Ticket } from '$shared/index';
import { newId } from '$shared/ids';
import { DeviceSync, type SyncStatus } from '$shared/sync/device-sync';
import { CLOSE, fromWhatwgSocket } from '$shared/sync/socket';
import { BatchStore } from './storage/batch-store';
import { StationDb, type EventRow } from './storage/db';
import { loadIdentity, saveIdentity, type StationIdentity } from './storage/identity';
import type { RecordingSession } from './session';

/** The service day (Japan's calendar date) of a moment, as the event schema checks it. */
export function serviceDay(now = new Date()): string {
	return serviceDateOf(now.toISOString())!;
}

/** The station's state: identity, today's records and the sync indicator. */
export class Station {
	identity = $state<StationIdentity | null>(null);
	records = $state<EventRow[]>([]);
	sync = $state<SyncStatus>({ state: 'offline', retryInMs: null });
	ready = $state(false);
	session = $state<RecordingSession | null>(null);
	/** The back office revoked this device and its local data was wiped. */
	revoked = $state(false);

	private readonly db = new StationDb();
	private readonly store = new BatchStore(this.db, () => void this.refresh());
	private engine: DeviceSync | null = null;

	get waiting(): number {
		return this.records.filter((r) => r.state === 'local' || r.state === 'sent').length;
	}

	async init(): Promise<void> {
		this.identity = await loadIdentity(this.db);
		this.session = ((await this.db.meta.get('session'))?.value as RecordingSession | undefined) ?? null;
		await this.refresh();
		this.ready = true;
		if (this.identity) this.startSync(this.identity);
		window.addEventListener('online', () => this.engine?.start());
		window.addEventListener('offline', () => {
			// The socket may linger after the network is gone; stop and wait for 'online'.
			this.engine?.stop();
			this.sync = { state: 'offline', retryInMs: null };
		});
	}

	async enrolled(identity: StationIdentity): Promise<void> {
		await saveIdentity(this.db, identity);
		this.identity = identity;
		this.startSync(identity);
	}

	private startSync(identity: StationIdentity): void {
		const url = new URL('/sync', identity.serverUrl);
		url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
		this.engine = new DeviceSync({
			url: url.toString(),
			identity,
			store: this.store,
			openSocket: (u) => fromWhatwgSocket(new WebSocket(u)),
			onStatus: (s) => {
				this.sync = s;
				if (s.state === 'stopped' && s.code === CLOSE.DEVICE_REVOKED) void this.wipe();
			},
			onError: (e) => console.warn('sync', e),
			venueDay: () => serviceDay()
		});
		if (navigator.onLine) this.engine.start();
	}

	/**
	 * A revoked device (lost or stolen) erases its keys and every record it holds, as the
	 * server told it to; it can be enrolled again with a new code.
	 */
	private async wipe(): Promise<void> {
		this.engine?.stop();
		this.engine = null;
		await this.db.delete();
		await this.db.open();
		this.identity = null;
		this.session = null;
		this.records = [];
		this.revoked = true;
	}

	async saveSession(session: RecordingSession): Promise<void> {
		await this.db.meta.put({ key: 'session', value: $state.snapshot(session) });
		this.session = session;
	}

	async refresh(): Promise<void> {
		this.records = await this.store.listEvents();
	}

	/** Saves a dose for a confirmed ticket. Resolves once the event is on disk. */
	async recordDose(ticket: Ticket, doseNumber: number): Promise<void> {
		const identity = this.identity;
		const s = this.session;
		if (!identity || !s) throw new Error('device not enrolled or no session');
		const now = new Date().toISOString();
		const event: DoseRecordEvent = {
			id: newId(),
			type: 'dose',
			batch: batchId({ deviceId: identity.deviceId, siteCode: identity.siteCode, serviceDay: serviceDay(new Date(now)) }),
			device: identity.deviceId,
			operator: s.operator,
			recordedAt: now,
			municipality: ticket.municipality,
			ticketNumber: ticket.number,
			ticketKind: ticket.kind,
			ticketDose: ticket.dose,
			doseNumber,
			givenAt: now,
			setting: identity.setting,
			siteCode: identity.siteCode,
			otherMunicipality: ticket.municipality !== identity.municipality,
			screeningDoctor: s.screeningDoctor,
			vaccine: { product: s.product, maker: s.maker, lot: s.lot, expiry: s.expiry, volumeMl: s.volumeMl },
			injectionSite: s.injectionSite,
			route: s.route,
			vaccinatingDoctor: s.vaccinatingDoctor,
			certificateIssued: true
		};
		// Never append what the server would refuse: a bad event would poison the batch log.
		const checked = validateEvent(event);
		if (!checked.ok) throw new Error(checked.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
		await this.store.append(checked.event);
		void this.engine?.push(event.batch);
	}
}
