import type { DoseEvent } from '#shared/index';
import type { EventState, EventView } from '../storage/db';

/** An event as the station's store lists it, saved when it was recorded; for unit tests. */
export const eventView = (event: DoseEvent, state: EventState = 'receipted'): EventView => ({
	id: event.id,
	batchId: event.batch,
	client: 1,
	clock: 0,
	state,
	event,
	savedAt: event.recordedAt
});
