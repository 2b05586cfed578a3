import { newId } from '#shared/ids';
import {
	serviceDateOf,
	type DoseRecordEvent,
	type EventError,
	type EventValidator,
	type NotVaccinatedEvent
} from '#shared/index';
import { loadRefusedEvents } from '../ledger/refused-events';
import type { SqlExecutor } from '../ledger/sql';
import { projectOfficeEvent } from '../ledger/office-projection';
import { applyChanges, OFFICE_OPERATOR, type OfficeAuthor } from './office-events';

/**
 * The office records a refused record again (issue 13): a new dose or 接種不適当 event built from
 * the content the device sent, with the fields the person fixed, checked by the same schema and
 * catalogue rules as any event, stored as an office event that names the refused event it comes
 * from, and projected into the ledger like a device's record. It goes into the batch of its
 * device, site and (fixed) service day; a batch the device never synced is made for it. A batch
 * already checked or beyond goes back to received: it holds a record it did not hold when it
 * was checked.
 */

/** Fields of the event itself, which come from the office, never from the refused content. */
const BASE_FIELDS = ['id', 'type', 'batch', 'device', 'operator', 'recordedAt'] as const;

export type RecordRefusedResult =
	| { ok: true; event: DoseRecordEvent | NotVaccinatedEvent }
	| {
			ok: false;
			status: 400 | 404 | 409;
			code:
				| 'REFUSED_UNKNOWN'
				| 'REFUSED_CONTENT_WITHHELD'
				| 'REFUSED_NOT_A_RECORD'
				| 'REFUSED_ALREADY_RECORDED'
				| 'INVALID_EVENT'
				| 'FIELD_NOT_EDITABLE';
			message: string;
			errors?: EventError[];
	  };

export async function recordRefused(
	tx: SqlExecutor,
	refusedEventId: number,
	req: { reason: string; changes: Record<string, unknown> },
	author: OfficeAuthor,
	itemId: number,
	validate: EventValidator
): Promise<RecordRefusedResult> {
	const refused = (await loadRefusedEvents(tx, { id: refusedEventId }))[0];
	if (!refused) return { ok: false, status: 404, code: 'REFUSED_UNKNOWN', message: 'no such refused event' };
	if (refused.content === null) {
		return {
			ok: false,
			status: 409,
			code: 'REFUSED_CONTENT_WITHHELD',
			message:
				refused.withheld === 'my-number'
					? '個人番号と思われる数字を含んでいたため、内容を保存していません。予診票から新しく記録するか、却下してください。'
					: '内容が大きすぎるため保存していません。予診票から新しく記録するか、却下してください。'
		};
	}
	const type = refused.content.type;
	if (type !== 'dose' && type !== 'not-vaccinated') {
		return {
			ok: false,
			status: 409,
			code: 'REFUSED_NOT_A_RECORD',
			message: '接種・接種不適当の記録ではないため（訂正・取消・締め）、記録し直せません。却下してください。'
		};
	}
	const base = BASE_FIELDS.find((k) => k in req.changes);
	if (base)
		return { ok: false, status: 400, code: 'FIELD_NOT_EDITABLE', message: `${base}: この項目は変更できません。` };
	const done = await tx.query('SELECT 1 FROM office_events WHERE refused_event_id = $1', [refusedEventId]);
	if (done.rows.length > 0)
		return {
			ok: false,
			status: 409,
			code: 'REFUSED_ALREADY_RECORDED',
			message: 'この拒否された記録はすでに記録し直されています。'
		};

	const device = (
		await tx.query<{ municipality: string; site_code: string }>(
			'SELECT municipality, site_code FROM devices WHERE id = $1',
			[refused.deviceId]
		)
	).rows[0]!;
	const content = Object.fromEntries(
		Object.entries(refused.content).filter(([k]) => !(BASE_FIELDS as readonly string[]).includes(k))
	);
	const record = applyChanges(content, req.changes);
	const day = typeof record.givenAt === 'string' ? serviceDateOf(record.givenAt) : null;
	const batchId = day ? `${refused.deviceId}/${device.site_code}/${day}` : refused.batchId;
	const candidate = {
		id: newId(),
		type,
		batch: batchId,
		device: refused.deviceId,
		operator: OFFICE_OPERATOR,
		recordedAt: new Date().toISOString(),
		...record
	};
	const checked = validate(candidate);
	if (!checked.ok)
		return {
			ok: false,
			status: 400,
			code: 'INVALID_EVENT',
			message: checked.errors.map((e) => e.message).join(' / '),
			errors: checked.errors
		};
	const event = checked.event as DoseRecordEvent | NotVaccinatedEvent;

	await tx.query(
		`INSERT INTO batches (id, device_id, municipality, site_code, service_day) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
		[event.batch, refused.deviceId, device.municipality, device.site_code, day]
	);
	await tx.query(
		`UPDATE batches SET state = 'received', state_changed_at = now(), checked_by = NULL, checked_at = NULL, approved_by = NULL, approved_at = NULL
		 WHERE id = $1 AND state IN ('checked', 'approved', 'exported')`,
		[event.batch]
	);
	const stored = await tx.query<{ seq: number }>(
		`INSERT INTO office_events (event_id, type, replaces, record_id, batch_id, user_id, username, reason, item_id, payload, refused_event_id)
		 VALUES ($1, $2, NULL, $1, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
		[
			event.id,
			event.type,
			event.batch,
			author.id,
			author.username,
			req.reason,
			itemId,
			JSON.stringify(event),
			refusedEventId
		]
	);
	await projectOfficeEvent(tx, {
		seq: Number(stored.rows[0]!.seq),
		recordId: event.id,
		deviceId: refused.deviceId,
		event
	});
	return { ok: true, event };
}
