import { Hono, type Context } from 'hono';
import type { Catalogs } from '../../catalog/catalogs';
import { isValidMunicipalityCode } from '#shared/index';
import { CAN } from '#shared/office/roles';
import { audit } from '../../audit/audit-log';
import type { Ledger } from '../../ledger/ledger';
import { actorOf } from '../../office/accounts';
import { ticketHistory } from '../../reconciliation/ticket-history';
import { vaccinationRecord } from '../../reconciliation/vaccination-record';
import { apiError } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

/**
 * The full history of one ticket (disclosure requests), under /api/office/tickets, and its
 * 接種記録の証明 (the printable record of its doses). Every view and every print is audited.
 */
export function ticketRoutes(deps: {
	ledger: Ledger;
	catalogs: Catalogs;
	config: { municipality: string; municipalityName: string };
}) {
	const app = new Hono<OfficeEnv>();
	const keyOf = (c: Context<OfficeEnv>) => {
		const municipality = c.req.param('municipality') ?? '';
		const ticket = c.req.param('ticket') ?? '';
		if (!/^\d{6}$/.test(municipality) || !isValidMunicipalityCode(municipality))
			return { error: apiError(c, 400, 'BAD_MUNICIPALITY', '市町村コードが正しくありません（6桁、検査数字）。') };
		if (!/^\d{10}$/.test(ticket)) return { error: apiError(c, 400, 'BAD_TICKET', '券番号は10桁の数字です。') };
		return { municipality, ticket };
	};

	// The page exists to be printed: each time it is made ready for printing is audited as a print.
	app.get('/:municipality/:ticket/record', requireRole(CAN.view), async (c) => {
		const key = keyOf(c);
		if ('error' in key) return key.error;
		const { municipality, ticket } = key;
		const name = municipality === deps.config.municipality ? deps.config.municipalityName : '';
		const record = await vaccinationRecord(
			deps.ledger.db,
			{ code: municipality, name },
			ticket,
			(await deps.catalogs.current()).catalog
		);
		await audit(deps.ledger.db, {
			actor: actorOf(c.var.user),
			action: 'ticket.record-print',
			target: `${municipality}/${ticket}`,
			detail: { doses: record.doses.length }
		});
		return c.json(record);
	});

	app.get('/:municipality/:ticket', requireRole(CAN.view), async (c) => {
		const key = keyOf(c);
		if ('error' in key) return key.error;
		const { municipality, ticket } = key;
		const history = await ticketHistory(deps.ledger.db, municipality, ticket);
		await audit(deps.ledger.db, {
			actor: actorOf(c.var.user),
			action: 'ticket.view',
			target: `${municipality}/${ticket}`,
			detail: { events: history.events.length }
		});
		return c.json(history);
	});
	return app;
}
