import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { isUuid, isValidMunicipalityCode } from '#shared/index';
import { CAN } from '#shared/office/roles';
import { audit } from '../../audit/audit-log';
import type { Ledger } from '../../ledger/ledger';
import { actorOf } from '../../office/accounts';
import { parseRegisterFile } from '../../register/parse';
import { RegisterStore } from '../../register/store';
import { apiError, readJson } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

/** A 100,000-row register is 3–4 MB; the rest of the API keeps its 1 MiB limit. */
export const REGISTER_UPLOAD_LIMIT = 32 * 1024 * 1024;
const UPLOAD_PATH = '/api/office/register/imports';

/** The one API request exempt from the API-wide 1 MiB body limit: its route applies REGISTER_UPLOAD_LIMIT itself. */
export const isRegisterUpload = (method: string, path: string) => method === 'POST' && path === UPLOAD_PATH;

const CommitInput = v.strictObject({ skipInvalid: v.optional(v.boolean()) });

/**
 * The ticket register import (mounted at /api/office/register, behind the session guard):
 *
 * - `POST /imports?name=<file name>` — the raw CSV as the body (any Content-Type, up to 32 MiB):
 *   decoded, parsed, checked and staged; answers 201 with the preview (counts, encoding, first
 *   errors, sample rows). A file refused whole (My Number, encoding, not CSV, header) → 400 with
 *   its code, nothing stored.
 * - `GET /imports/:id` — the preview, and the commit's progress while it runs (poll it).
 * - `POST /imports/:id/commit` `{ skipInvalid?: boolean }` — applies the staged rows in batches;
 *   lines with errors are left out only when skipInvalid is true (else 409 HAS_ERRORS). Running
 *   it again on an import cut short completes it; on a committed import it returns its result.
 * - `POST /imports/:id/discard` — drops a preview.
 * - `GET /imports` — the history, newest first. `GET /tickets/:municipality/:ticketNumber` — one
 *   ticket in the register.
 */
export function registerRoutes(deps: { ledger: Ledger }) {
	const store = new RegisterStore(deps.ledger.db);
	const app = new Hono<OfficeEnv>();
	const importer = requireRole(CAN.importData);
	const viewer = requireRole(CAN.view);
	const idOf = (id: string) => (isUuid(id) ? id : null);

	app.get('/imports', viewer, async (c) => c.json({ imports: await store.list() }));

	app.post(
		'/imports',
		importer,
		bodyLimit({
			maxSize: REGISTER_UPLOAD_LIMIT,
			onError: (c) =>
				apiError(
					c,
					413,
					'FILE_TOO_LARGE',
					'ファイルが大きすぎます（上限 32 MiB）。ファイルを分けて取り込んでください。'
				)
		}),
		async (c) => {
			const name = (c.req.query('name') ?? '').trim();
			if (name === '' || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name))
				return apiError(c, 400, 'BAD_FILE_NAME', 'ファイル名（name）は1〜200文字で指定してください。');
			const bytes = new Uint8Array(await c.req.arrayBuffer());
			if (bytes.length === 0) return apiError(c, 400, 'EMPTY_FILE', 'ファイルが空です。');
			const parsed = await parseRegisterFile(bytes);
			if (!parsed.ok) {
				// The refusal is audited by its code and size only: no name, no hash, no content.
				await audit(deps.ledger.db, {
					actor: actorOf(c.var.user),
					action: 'register.refused',
					detail: { code: parsed.code, fileBytes: bytes.length }
				});
				return apiError(c, 400, parsed.code, parsed.message);
			}
			return c.json({ import: await store.stage(parsed, name, bytes.length, actorOf(c.var.user)) }, 201);
		}
	);

	app.get('/imports/:id', importer, async (c) => {
		const id = idOf(c.req.param('id'));
		const preview = id ? await store.preview(id) : null;
		return preview ? c.json({ import: preview }) : apiError(c, 404, 'IMPORT_UNKNOWN', 'この取り込みは見つかりません。');
	});

	app.post('/imports/:id/commit', importer, async (c) => {
		const id = idOf(c.req.param('id'));
		if (!id) return apiError(c, 404, 'IMPORT_UNKNOWN', 'この取り込みは見つかりません。');
		const body = await readJson(c, CommitInput);
		if (!body.ok) return body.response;
		const result = await store.commit(id, actorOf(c.var.user), { skipInvalid: body.value.skipInvalid ?? false });
		if (result.ok) return c.json({ import: result.summary });
		if (result.error === 'IMPORT_UNKNOWN') return apiError(c, 404, 'IMPORT_UNKNOWN', 'この取り込みは見つかりません。');
		if (result.error === 'IMPORT_DISCARDED')
			return apiError(
				c,
				409,
				'IMPORT_DISCARDED',
				'この取り込みは取り消されています。ファイルをもう一度選んでください。'
			);
		return apiError(
			c,
			409,
			'HAS_ERRORS',
			'エラーのある行があります。直したファイルを取り込み直すか、エラーの行を除いて取り込んでください（skipInvalid）。'
		);
	});

	app.post('/imports/:id/discard', importer, async (c) => {
		const id = idOf(c.req.param('id'));
		const result = id
			? await store.discard(id, actorOf(c.var.user))
			: ({ ok: false, error: 'IMPORT_UNKNOWN' } as const);
		if (result.ok) return c.json({ import: result.summary });
		return result.error === 'IMPORT_UNKNOWN'
			? apiError(c, 404, 'IMPORT_UNKNOWN', 'この取り込みは見つかりません。')
			: apiError(c, 409, 'IMPORT_NOT_PREVIEWED', '取り込み済み・取り込み中の取り込みは取り消せません。');
	});

	app.get('/tickets/:municipality/:ticketNumber', viewer, async (c) => {
		const { municipality, ticketNumber } = c.req.param();
		if (!isValidMunicipalityCode(municipality) || !/^\d{6}$/.test(municipality))
			return apiError(c, 400, 'BAD_MUNICIPALITY', '市町村コードは検査数字の合う6桁の数字です。');
		if (!/^\d{10}$/.test(ticketNumber)) return apiError(c, 400, 'BAD_TICKET_NUMBER', '券番号は10桁の数字です。');
		const ticket = await store.ticket(municipality, ticketNumber);
		// A look-up tells whether a resident moved out or died: audited like a history view,
		// found or not.
		await audit(deps.ledger.db, {
			actor: actorOf(c.var.user),
			action: 'register.view',
			target: `${municipality}/${ticketNumber}`,
			detail: { found: ticket !== null }
		});
		return ticket
			? c.json({ ticket })
			: apiError(c, 404, 'NOT_IN_REGISTER', 'この券番号は台帳にありません（未発行か、台帳が未取り込みです）。');
	});

	return app;
}
