import { deserializeKeyPairs, serializeKeyPairs, type KeyPairs, type SerializedKeyPairs } from '$shared/protocol/keys';
import { fromB64, toB64 } from '$shared/protocol/bytes';
import type { DeviceIdentity } from '$shared/sync/device-channel';
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
		serverUrl: id.serverUrl,
		municipality: id.municipality,
		setting: id.setting,
		siteCode: id.siteCode,
		label: id.label
	};
	return vault.sealJson(value);
}
