import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#shared/ids';
import type { DoseRecordEvent } from '#shared/index';
import type { VaccinationRecord } from '#shared/office/reconciliation-api';
import { listAudit } from '../../sync-server/audit/audit-log';
import { startBackendServer, type TestServer } from '../helpers/in-process-server';
import { MemoryDevice } from '../helpers/memory-device';
import { OfficeClient } from '../helpers/office-client';
import { BACKENDS } from '../helpers/postgres';
import { issueEnrolmentCode } from '../helpers/server-process';

/**
 * 接種記録の証明 (GET /api/office/tickets/:municipality/:ticket/record), on each backend: the
 * active doses of one ticket as the ledger holds them after corrections and voids, with maker,
 * product, lot and the site's name, the municipality's name; every print audited.
 */
describe.each(BACKENDS)('the vaccination record of a ticket on %s', (backend) => {
	let server: TestServer;
	let staff: OfficeClient;

	beforeAll(async () => {
		server = await startBackendServer(backend, { MUNICIPALITY_NAME: '千代田区' });
		const admin = await OfficeClient.login(server.url);
		staff = await admin.createUser('staff');
		await admin.json('PUT', '/api/office/sites', { code: 'V001', name: '市民体育館' });
		const d = await MemoryDevice.enrol(
			await issueEnrolmentCode(server.url, { setting: 'mass', siteCode: 'V001', label: '受付1' }, admin)
		);
		const at = (day: string, more: Record<string, unknown> = {}) => ({
			batch: d.batchFor(day),
			givenAt: `${day}T01:00:00.000Z`,
			recordedAt: `${day}T01:00:30.000Z`,
			...more
		});
		const first = d.doseEvent(at('2026-06-01', { doseNumber: 1, ticketDose: 1 }), '0000000005') as DoseRecordEvent;
		const second = d.doseEvent(at('2026-11-22', { doseNumber: 2, ticketDose: 2 }), '0000000005') as DoseRecordEvent;
		const voided = d.doseEvent(at('2026-11-22', { doseNumber: 3, ticketDose: 3 }), '0000000005') as DoseRecordEvent;
		const other = d.doseEvent(at('2026-11-22'), '0000000006');
		const screening = { ...d.doseEvent(at('2026-11-22', { doseNumber: 4, ticketDose: 4 }), '0000000005') } as Record<
			string,
			unknown
		>;
		(delete screening.vaccine,
			delete screening.injectionSite,
			delete screening.route,
			delete screening.vaccinatingDoctor,
			delete screening.certificateIssued);
		Object.assign(screening, { type: 'not-vaccinated', reason: 'fever', reasonNote: null });
		for (const e of [first, second, voided, other, screening]) d.append(e);
		// The second dose's lot corrected; the third voided.
		d.append({
			id: newId(),
			type: 'correction',
			batch: second.batch,
			device: second.device,
			operator: 'N001',
			recordedAt: '2026-11-22T02:00:00.000Z',
			replaces: second.id,
			reason: 'ロットの読み違い',
			record: {
				...Object.fromEntries(
					Object.entries(second).filter(([k]) => !['id', 'batch', 'device', 'operator', 'recordedAt'].includes(k))
				),
				vaccine: { ...second.vaccine, lot: 'FB5678' }
			}
		});
		d.append({
			id: newId(),
			type: 'void',
			batch: voided.batch,
			device: voided.device,
			operator: 'N001',
			recordedAt: '2026-11-22T02:05:00.000Z',
			replaces: voided.id,
			reason: '二重登録'
		});
		d.start();
		await d.until(() => d.count('receipted') === 7);
		d.stop();
	});
	afterAll(async () => {
		await server.dispose();
	});

	it('lists each active dose, as corrected, with maker, product, lot, date and site name; not voided ones nor screenings', async () => {
		const record = await staff.json<VaccinationRecord>('GET', '/api/office/tickets/131016/0000000005/record');
		expect(record).toEqual({
			municipality: '131016',
			municipalityName: '千代田区',
			ticketNumber: '0000000005',
			doses: [
				{
					doseNumber: 1,
					givenOn: '2026-06-01',
					maker: 'ファイザー',
					product: 'コミナティ筋注',
					lot: 'FA1234',
					site: '市民体育館'
				},
				{
					doseNumber: 2,
					givenOn: '2026-11-22',
					maker: 'ファイザー',
					product: 'コミナティ筋注',
					lot: 'FB5678',
					site: '市民体育館'
				}
			]
		});
	});

	it('audits every print; refuses bad tickets by code and changes nothing', async () => {
		const before = (await listAudit(server.ledger.db, { action: 'ticket.record-print' })).length;
		await staff.json('GET', '/api/office/tickets/131016/0000000006/record');
		const after = await listAudit(server.ledger.db, { action: 'ticket.record-print' });
		expect(after.length).toBe(before + 1);
		expect(after[0]).toMatchObject({ target: '131016/0000000006', detail: { doses: 1 } });
		for (const [path, code] of [
			['/api/office/tickets/131017/0000000005/record', 'BAD_MUNICIPALITY'],
			['/api/office/tickets/131016/000000005/record', 'BAD_TICKET']
		] as const) {
			const res = await staff.request(path);
			expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([400, code]);
		}
		expect((await listAudit(server.ledger.db, { action: 'ticket.record-print' })).length).toBe(before + 1);
		// Another municipality's ticket: no name of ours on its paper.
		expect(
			(await staff.json<VaccinationRecord>('GET', '/api/office/tickets/131041/0000000005/record')).municipalityName
		).toBe('');
	});
});
