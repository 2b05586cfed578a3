import { newId } from '../../shared/ids';
import type { DoseEvent } from '../../shared/index';

export interface EventContext {
	deviceId: string;
	batch: string;
	siteCode?: string;
	municipality?: string;
}

/** A valid dose event for tests; the one place tests learn the event shape. */
export function doseEvent(ctx: EventContext, ticketNumber = '0000000001', overrides: Record<string, unknown> = {}): DoseEvent {
	const now = new Date().toISOString();
	return {
		id: newId(),
		type: 'dose',
		batch: ctx.batch,
		device: ctx.deviceId,
		operator: 'op1',
		recordedAt: now,
		municipality: ctx.municipality ?? '131016',
		ticketNumber,
		ticketKind: '1',
		doseNumber: 1,
		givenAt: now,
		setting: 'mass',
		siteCode: ctx.siteCode ?? 'V001',
		...overrides
	} as DoseEvent;
}
