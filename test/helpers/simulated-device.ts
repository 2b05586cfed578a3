import WebSocket from 'ws';
import { batchId, type DoseEvent } from '#shared/index';
import type { ServerKeyPins } from '#shared/protocol/server-keys';
import type { DeviceIdentity, DeviceCrypto } from '#shared/sync/device-channel';
import { DeviceSync, type DeviceSyncOptions, type DeviceSyncStore, type SyncStatus } from '#shared/sync/device-sync';
import { fromWhatwgSocket, type MinimalSocket } from '#shared/sync/socket';
import { enrolDevice } from '../../client/lib/sync/enrol';
import { doseEvent } from './fixtures';

export type SimulatedIdentity = DeviceIdentity & { siteCode: string; municipality: string };
export type HeldState = 'local' | 'sent' | 'receipted' | 'refused';

/** Enrols a device through the real API with the station's own code (its keys made here, the server's pinned from the code). */
export async function enrolOverHttp(code: string): Promise<{ identity: SimulatedIdentity; serverUrl: string }> {
	const r = await enrolDevice(code);
	if (!r.ok) throw new Error(`enrol failed: ${r.code} ${r.message ?? ''}`);
	return { identity: r.identity, serverUrl: r.identity.serverUrl };
}

/**
 * A device for tests and the simulator: the PWA's shared/ sync engine over a real socket,
 * driving a store (MemoryDevice's maps, or StationDevice's BatchStore), with what a test waits
 * on: the sync status, errors, stalls, connections, frames, and `until`.
 */
export abstract class SimulatedDevice {
	/** The server keys this device trusts, as last stored by the sync engine (null: those of its enrolment code). */
	serverKeyPins: ServerKeyPins | null = null;
	/** Errors the sync engine reported (a refused key change among them). */
	readonly errors: string[] = [];
	status: SyncStatus = { state: 'offline', retryInMs: null };
	protected sync: DeviceSync | null = null;
	private waiters: (() => void)[] = [];
	venueDay: string | null = null;
	/** The server's welcome at the last connection (its time, policy, the device's status). */
	welcome: Parameters<NonNullable<DeviceSyncOptions['onWelcome']>>[0] | null = null;
	/** How many times the device has come online (handshakes completed) since start(). */
	connections = 0;
	/** Each time the engine said the server is not receipting ('stalled'), with its reason. */
	readonly stalls: string[] = [];
	/** WebSocket frames sent and received since start(), handshake included. */
	readonly frames = { sent: 0, received: 0 };
	/** Frames the device hands its socket that are lost on the way (counted as sent). */
	framesToLose = 0;

	protected constructor(
		readonly identity: SimulatedIdentity,
		readonly serverUrl: string
	) {}

	/** The store the sync engine drives. */
	protected abstract get store(): DeviceSyncStore;
	/** Every event the device recorded, by id, with its sync state (read synchronously by `until` predicates). */
	abstract readonly events: ReadonlyMap<string, { state: HeldState }>;
	/** Records an event as a device does and offers it to the server if connected. */
	abstract append(event: DoseEvent): unknown;

	batchFor(day = '2026-11-22'): string {
		return batchId({ deviceId: this.identity.deviceId, siteCode: this.identity.siteCode, serviceDay: day });
	}

	doseEvent(
		overrides: Record<string, unknown> = {},
		ticketNumber = String(this.events.size + 1).padStart(10, '0')
	): DoseEvent {
		const { deviceId, siteCode, municipality } = this.identity;
		return doseEvent({ deviceId, siteCode, municipality, batch: this.batchFor() }, ticketNumber, overrides);
	}

	count(state: HeldState): number {
		let n = 0;
		for (const e of this.events.values()) if (e.state === state) n++;
		return n;
	}

	/** `crypto`: the device's signatures and key agreement (tweetnacl's, as on the station, unless given). */
	start(
		options: Pick<DeviceSyncOptions, 'handshakeTimeoutMs' | 'receiptTimeoutMs' | 'reportIntervalMs'> & {
			crypto?: DeviceCrypto;
		} = {}
	): void {
		const url = `${this.serverUrl.replace(/^http/, 'ws')}/sync`;
		const { crypto, ...rest } = options;
		// The keys stored after a key change, as the station reloads its identity at unlock.
		const identity = this.serverKeyPins
			? {
					...this.identity,
					serverKeys: this.serverKeyPins.current,
					earlierServerKeys: this.serverKeyPins.earlier,
					serverKeyGeneration: this.serverKeyPins.generation
				}
			: this.identity;
		this.sync = new DeviceSync({
			...rest,
			url,
			identity: crypto ? { ...identity, crypto } : identity,
			store: this.store,
			onError: (e) => {
				this.errors.push(String(e));
				this.notify();
			},
			venueDay: () => this.venueDay,
			onWelcome: (w) => {
				// One welcome per completed handshake ('online' also follows a stall that cleared).
				this.connections++;
				this.welcome = w;
				this.notify();
			},
			openSocket: (u) =>
				this.counting(fromWhatwgSocket(new WebSocket(u) as unknown as Parameters<typeof fromWhatwgSocket>[0])),
			onStatus: (s) => {
				if (s.state === 'stalled') this.stalls.push(s.reason);
				this.status = s;
				this.notify();
			}
		});
		this.sync.start();
	}

	private counting(socket: MinimalSocket): MinimalSocket {
		return {
			...socket,
			send: (d) => {
				this.frames.sent++;
				if (this.framesToLose > 0) this.framesToLose--;
				else socket.send(d);
				this.notify();
			},
			onMessage: (h) =>
				socket.onMessage((d) => {
					this.frames.received++;
					h(d);
				})
		};
	}

	stop(): void {
		this.sync?.stop();
		this.sync = null;
	}

	/** Stops syncing and lets go of the store (a database to close, if any). */
	close(): void {
		this.stop();
	}

	/** Resolves when the predicate holds; re-checked after every store change and status. */
	until(predicate: () => boolean): Promise<void> {
		if (predicate()) return Promise.resolve();
		return new Promise((resolve) => {
			const check = () => {
				if (predicate()) resolve();
				else this.waiters.push(check);
			};
			this.waiters.push(check);
		});
	}

	protected notify(): void {
		const w = this.waiters;
		this.waiters = [];
		for (const f of w) f();
	}
}
