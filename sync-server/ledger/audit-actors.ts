import type { Ledger } from './ledger';

/** An office account as the audit viewer's actor filter offers it. */
export interface AuditActor {
	id: string;
	username: string;
	displayName: string;
}

/** Every office account that can appear as an actor of the audit log, by username. */
export async function auditActors(ledger: Ledger): Promise<AuditActor[]> {
	const { rows } = await ledger.db.query<AuditActor>(
		'SELECT id, username, display_name AS "displayName" FROM office_users ORDER BY username'
	);
	return rows;
}
