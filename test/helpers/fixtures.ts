import type { DoseRecordEvent } from '#shared/index';
import { parseBatchId } from '#shared/index';
import { newId } from '#shared/ids';
import { sampleDose } from '#shared/domain/testing/fixtures';

export interface EventContext {
	deviceId: string;
	batch: string;
	siteCode?: string;
	municipality?: string;
}

/**
 * A valid dose event for tests, in the given batch, given at 10:00 JST on the batch's service
 * day; the one place tests outside shared/ learn the event shape.
 */
export function doseEvent(
	ctx: EventContext,
	ticketNumber = '0000000001',
	overrides: Record<string, unknown> = {}
): DoseRecordEvent {
	const day = parseBatchId(ctx.batch)?.serviceDay ?? '2026-11-22';
	return {
		...sampleDose(),
		id: newId(),
		batch: ctx.batch,
		device: ctx.deviceId,
		siteCode: ctx.siteCode ?? 'V001',
		municipality: ctx.municipality ?? '131016',
		ticketNumber,
		ticketKind: '1',
		ticketDose: 1,
		doseNumber: 1,
		givenAt: `${day}T01:00:00.000Z`,
		recordedAt: `${day}T01:00:30.000Z`,
		vaccine: { ...sampleDose().vaccine, expiry: '2099-12-31' },
		...overrides
	} as DoseRecordEvent;
}
