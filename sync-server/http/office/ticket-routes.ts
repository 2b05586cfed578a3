import { Hono } from 'hono';
import { isValidMunicipalityCode } from '../../../shared/index';
import { CAN } from '../../../shared/office/roles';
import { audit } from '../../audit/audit-log';
import type { Ledger } from '../../ledger/ledger';
import { actorOf } from '../../office/accounts';
import { ticketHistory } from '../../reconciliation/ticket-history';
import { apiError } from '../errors';
import { requireRole, type OfficeEnv } from './guard';

/** The full history of one ticket (disclosure requests), under /api/office/tickets. Every view is audited. */
export function ticketRoutes(deps: { ledger: Ledger }) {
	const app = new Hono<OfficeEnv>();
	app.get('/:municipality/:ticket', requireRole(CAN.view), async (c) => {
		const municipality = c.req.param('municipality');
		const ticket = c.req.param('ticket');
		if (!/^\d{6}$/.test(municipality) || !isValidMunicipalityCode(municipality)) return apiError(c, 400, 'BAD_MUNICIPALITY', '市町村コードが正しくありません（6桁、検査数字）。');
		if (!/^\d{10}$/.test(ticket)) return apiError(c, 400, 'BAD_TICKET', '券番号は10桁の数字です。');
		const history = await ticketHistory(deps.ledger.db, municipality, ticket);
		await audit(deps.ledger.db, { actor: actorOf(c.var.user), action: 'ticket.view', target: `${municipality}/${ticket}`, detail: { events: history.events.length } });
		return c.json(history);
	});
	return app;
}
