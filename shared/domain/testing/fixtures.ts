import { batchId } from '../batch';
import type {
	BatchCloseEvent,
	BatchReopenEvent,
	CorrectionEvent,
	DoseRecordEvent,
	NotVaccinatedEvent,
	VoidEvent
} from '../event';

/**
 * Valid sample events for tests (here and in other packages). Not exported from shared/index.ts.
 * The UUIDs are fixed and contain no digit run that could look like a My Number.
 */
export const SAMPLE_DEVICE = '01936f4e-1c2a-7b3d-8e4f-0a1b2c3d4e5f';
export const SAMPLE_SITE = 'V001';
export const SAMPLE_DAY = '2025-10-01';
export const SAMPLE_BATCH = batchId({ deviceId: SAMPLE_DEVICE, siteCode: SAMPLE_SITE, serviceDay: SAMPLE_DAY });

export function sampleDose(overrides: Partial<DoseRecordEvent> = {}): DoseRecordEvent {
	return {
		id: '01936f4f-2b3c-7d4e-9f5a-6b7c8d9e0f1a',
		type: 'dose',
		batch: SAMPLE_BATCH,
		device: SAMPLE_DEVICE,
		operator: 'N001',
		recordedAt: '2025-10-01T01:31:00.000Z',
		municipality: '131016',
		ticketNumber: '0000012345',
		ticketKind: '1',
		ticketDose: 3,
		doseNumber: 3,
		givenAt: '2025-10-01T01:30:00.000Z',
		setting: 'mass',
		siteCode: SAMPLE_SITE,
		otherMunicipality: false,
		screeningDoctor: 'D001',
		vaccine: { product: 'comirnaty', maker: 'pfizer', lot: 'FA1234', expiry: '2026-03-31', volumeMl: 0.3 },
		injectionSite: 'left-deltoid',
		route: 'intramuscular',
		vaccinatingDoctor: 'D002',
		certificateIssued: true,
		...overrides
	};
}

export function sampleNotVaccinated(overrides: Partial<NotVaccinatedEvent> = {}): NotVaccinatedEvent {
	return {
		id: '01936f50-3c4d-7e5f-8a6b-7c8d9e0f1a2b',
		type: 'not-vaccinated',
		batch: SAMPLE_BATCH,
		device: SAMPLE_DEVICE,
		operator: 'N001',
		recordedAt: '2025-10-01T02:05:00.000Z',
		municipality: '131041',
		ticketNumber: '0000067890',
		ticketKind: '1',
		ticketDose: 2,
		doseNumber: 2,
		givenAt: '2025-10-01T02:00:00.000Z',
		setting: 'mass',
		siteCode: SAMPLE_SITE,
		otherMunicipality: true,
		screeningDoctor: 'D001',
		reason: 'fever',
		reasonNote: null,
		...overrides
	};
}

export function sampleCorrection(overrides: Partial<CorrectionEvent> = {}): CorrectionEvent {
	const { id: _id, batch: _b, device: _d, operator: _o, recordedAt: _r, ...record } = sampleDose();
	return {
		id: '01936f51-4d5e-7f6a-9b7c-8d9e0f1a2b3c',
		type: 'correction',
		batch: SAMPLE_BATCH,
		device: SAMPLE_DEVICE,
		operator: 'B001',
		recordedAt: '2025-10-01T06:00:00.000Z',
		replaces: '01936f4f-2b3c-7d4e-9f5a-6b7c8d9e0f1a',
		reason: 'ロット番号の読み違いを予診票で訂正',
		record: { ...record, vaccine: { ...record.vaccine, lot: 'FA1243' } },
		...overrides
	};
}

export function sampleVoid(overrides: Partial<VoidEvent> = {}): VoidEvent {
	return {
		id: '01936f52-5e6f-7a7b-8c8d-9e0f1a2b3c4d',
		type: 'void',
		batch: SAMPLE_BATCH,
		device: SAMPLE_DEVICE,
		operator: 'B001',
		recordedAt: '2025-10-01T06:10:00.000Z',
		replaces: '01936f50-3c4d-7e5f-8a6b-7c8d9e0f1a2b',
		reason: '同一人物の二重記録',
		...overrides
	};
}

export function sampleBatchClose(overrides: Partial<BatchCloseEvent> = {}): BatchCloseEvent {
	return {
		id: '01936f53-6f7a-7b8c-9d9e-0f1a2b3c4d5e',
		type: 'batch-close',
		batch: SAMPLE_BATCH,
		device: SAMPLE_DEVICE,
		operator: 'N001',
		recordedAt: '2025-10-01T08:00:00.000Z',
		paperTally: 2,
		...overrides
	};
}

export function sampleBatchReopen(overrides: Partial<BatchReopenEvent> = {}): BatchReopenEvent {
	return {
		id: '01936f54-7a8b-7c9d-8eaf-1a2b3c4d5e6f',
		type: 'batch-reopen',
		batch: SAMPLE_BATCH,
		device: SAMPLE_DEVICE,
		operator: 'N001',
		recordedAt: '2025-10-01T08:05:00.000Z',
		reason: '締めを押し間違えた（まだ接種が続いている）',
		...overrides
	};
}
