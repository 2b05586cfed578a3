import 'fake-indexeddb/auto';
import { BatchStore } from '../../client/lib/storage/batch-store';
import { StationDb } from '../../client/lib/storage/db';
import { sealIdentity, type StationIdentity } from '../../client/lib/storage/identity';
import { Vault, type WrappedKey } from '../../client/lib/storage/vault';
import { generateKeyPairs } from '#shared/protocol/keys';
import { newId } from '#shared/ids';

/**
 * The store the PWA ships (BatchStore over Dexie), in Node: IndexedDB from fake-indexeddb and
 * Node's own WebCrypto, so every row is sealed by the real vault. Enrolled as the station does
 * it: the data key wrapped for one operator's PIN, the identity sealed in the meta table.
 */
export interface StationStore {
	db: StationDb;
	vault: Vault;
	store: BatchStore;
	identity: StationIdentity;
	/** Closes the database and opens it again, unlocked with the same staff code and PIN. */
	reopen(): Promise<StationStore>;
	close(): void;
}

const STAFF = 'N001';
const PIN = '482913';
// Real PBKDF2, with fewer rounds than the station's 600 000: the wrapping is what is tested, not its cost.
const ITERATIONS = 1_000;

/** Who the store belongs to: a new device by default, or one enrolled through the API (keys given). */
export type StationStoreOwner = Pick<StationIdentity, 'deviceId' | 'siteCode' | 'municipality'> &
	Partial<Pick<StationIdentity, 'keys' | 'serverKeys' | 'serverUrl'>>;

export async function openStationStore(
	owner: StationStoreOwner = { deviceId: newId(), siteCode: 'V001', municipality: '131016' },
	/** Told after every change of the events' states (BatchStore's onChange, as the station's screens are). */
	onChange: () => void = () => undefined
): Promise<StationStore> {
	const name = `station-${newId()}`;
	const db = new StationDb(name);
	const { vault, wrapped } = await Vault.create(STAFF, PIN, ITERATIONS);
	const server = generateKeyPairs();
	const identity: StationIdentity = {
		keys: generateKeyPairs(),
		serverKeys: { box: server.box.publicKey, sign: server.sign.publicKey },
		serverUrl: 'http://127.0.0.1:1',
		...owner,
		setting: 'mass',
		label: '会場1'
	};
	await db.meta.put({ key: 'identity', value: await sealIdentity(vault, identity) });
	await db.meta.put({ key: 'operators', value: [wrapped] });
	return opened(name, db, vault, identity, onChange);
}

function opened(
	name: string,
	db: StationDb,
	vault: Vault,
	identity: StationIdentity,
	onChange: () => void
): StationStore {
	return {
		db,
		vault,
		identity,
		store: new BatchStore(db, vault, onChange),
		close: () => db.close(),
		async reopen() {
			db.close();
			const again = new StationDb(name);
			const operators = (await again.meta.get('operators'))?.value as WrappedKey[];
			const unlocked = await Vault.unlock(operators[0]!, PIN);
			if (!unlocked) throw new Error('the stored data key did not unlock with the same PIN');
			return opened(name, again, unlocked, identity, onChange);
		}
	};
}
