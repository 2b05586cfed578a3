import { deserializeKeyPairs, serializeKeyPairs, type KeyPairs, type SerializedKeyPairs } from '#shared/protocol/keys';
import { fromB64, toB64 } from '#shared/protocol/bytes';
import type { DeviceIdentity } from '#shared/sync/device-channel';
import type { ServerKeyPins } from '#shared/protocol/server-keys';
import type { PublicKeys } from '#shared/protocol/keys';
import type { StationDb } from './db';
import type { SealedBox, Vault } from './vault';

/** What enrolment gave this device: its id, its keys, the pinned server keys and its site. */
export interface StationIdentity extends DeviceIdentity {
	serverUrl: string;
	municipality: string;
	setting: 'mass' | 'clinic';
	siteCode: string;
	label: string;
}

interface StoredIdentity {
	deviceId: string;
	keys: SerializedKeyPairs;
	serverBox: string;
	serverSign: string;
	/** Server keys accepted before serverBox/serverSign, newest first (absent until the first key change). */
	earlierServerKeys?: { box: string; sign: string }[];
	/** The generation of serverBox/serverSign once learnt from a key change. */
	serverKeyGeneration?: number | null;
	serverUrl: string;
	municipality: string;
	setting: 'mass' | 'clinic';
	siteCode: string;
	label: string;
}

export async function loadIdentity(db: StationDb, vault: Vault): Promise<StationIdentity | null> {
	const row = await db.meta.get('identity');
	if (!row) return null;
	const s = await vault.openJson<StoredIdentity>(row.value as SealedBox);
	return {
		deviceId: s.deviceId,
		keys: deserializeKeyPairs(s.keys),
		serverKeys: { box: fromB64(s.serverBox), sign: fromB64(s.serverSign) },
		earlierServerKeys: (s.earlierServerKeys ?? []).map((k): PublicKeys => ({
			box: fromB64(k.box),
			sign: fromB64(k.sign)
		})),
		serverKeyGeneration: s.serverKeyGeneration ?? null,
		serverUrl: s.serverUrl,
		municipality: s.municipality,
		setting: s.setting,
		siteCode: s.siteCode,
		label: s.label
	};
}

/** The identity sealed for storage (the device's secret keys are in it). */
export async function sealIdentity(vault: Vault, id: StationIdentity & { keys: KeyPairs }): Promise<SealedBox> {
	const value: StoredIdentity = {
		deviceId: id.deviceId,
		keys: serializeKeyPairs(id.keys),
		serverBox: toB64(id.serverKeys.box),
		serverSign: toB64(id.serverKeys.sign),
		earlierServerKeys: (id.earlierServerKeys ?? []).map((k) => ({ box: toB64(k.box), sign: toB64(k.sign) })),
		serverKeyGeneration: id.serverKeyGeneration ?? null,
		serverUrl: id.serverUrl,
		municipality: id.municipality,
		setting: id.setting,
		siteCode: id.siteCode,
		label: id.label
	};
	return vault.sealJson(value);
}

/**
 * Replaces the server keys of the stored identity (a key change the sync engine verified, or the
 * earlier keys dropped): re-sealed whole and written with one put, so the identity is never half
 * updated. (No Dexie transaction around it: WebCrypto's sealing would let it commit early.)
 */
export async function saveServerPins(db: StationDb, vault: Vault, pins: ServerKeyPins): Promise<void> {
	const identity = await loadIdentity(db, vault);
	if (!identity) throw new Error('no identity to update');
	const updated = {
		...identity,
		serverKeys: pins.current,
		earlierServerKeys: pins.earlier,
		serverKeyGeneration: pins.generation
	};
	await db.meta.put({ key: 'identity', value: await sealIdentity(vault, updated) });
}
