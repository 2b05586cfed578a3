import Dexie, { type EntityTable } from 'dexie';
import type { DoseEvent } from '#shared/index';
import type { SealedBox } from './vault';

/**
 * The device's IndexedDB. Batch documents persist as their sequence of Yjs updates (like
 * y-indexeddb); each event also has a row carrying its sync state so the list and the outbox
 * need no document scan. Whatever could identify a dose is sealed with the data key
 * (vault.ts): only ids, batch ids, Yjs clocks, states and server refusal codes are in clear.
 */
export type EventState = 'local' | 'sent' | 'receipted' | 'refused';

export interface EventRow {
	id: string;
	batchId: string;
	/** Yjs client id and clock of the item holding this event, matched against receipts. */
	client: number;
	clock: number;
	state: EventState;
	refusal?: { code: string; message: string };
	/** The event, sealed. */
	sealed: SealedBox;
	savedAt: string;
}

/** An event row with its event opened, for the screens. */
export type EventView = Omit<EventRow, 'sealed'> & { event: DoseEvent };

export interface UpdateRow {
	seq?: number;
	batchId: string;
	/** The Yjs update, sealed. */
	sealed: SealedBox;
}

export interface ReceiptRow {
	batchId: string;
	/** The server's signed receipt (state vector, event count, signature), sealed. */
	sealed: SealedBox;
	receivedAt: string;
}

export interface MetaRow {
	key: string;
	value: unknown;
}

export class StationDb extends Dexie {
	meta!: EntityTable<MetaRow, 'key'>;
	updates!: EntityTable<UpdateRow, 'seq'>;
	events!: EntityTable<EventRow, 'id'>;
	receipts!: EntityTable<ReceiptRow, 'batchId'>;
	/** Other devices' batches of this site (the venue view), as sealed Yjs updates. */
	venue!: EntityTable<UpdateRow, 'seq'>;

	constructor(name = 'vaccination-station') {
		super(name);
		this.version(1).stores({
			meta: 'key',
			updates: '++seq, batchId',
			events: 'id, batchId, state, savedAt',
			receipts: 'batchId'
		});
		this.version(2).stores({ venue: '++seq, batchId' });
	}
}
