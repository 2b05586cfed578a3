/**
 * Back-office roles. Staff reconcile; supervisors also approve batches and export; admins
 * manage users, devices and settings. Admin does not imply the others: the person who manages
 * accounts is not, by that alone, the one who approves the legal record.
 */
export const ROLES = ['staff', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** Who may do what; routes name one of these, so the policy reads in one place. */
export const CAN = {
	/** Look at batches, queue, dashboard, ticket history. */
	view: ['staff', 'supervisor', 'admin'],
	reconcile: ['staff', 'supervisor'],
	approve: ['supervisor'],
	export: ['supervisor'],
	/** Register and lot master imports. */
	importData: ['staff', 'supervisor', 'admin'],
	administer: ['admin'],
	/** Read the audit log and check its chain. */
	audit: ['supervisor', 'admin']
} as const satisfies Record<string, readonly Role[]>;
