/**
 * Every PostgreSQL advisory lock the server takes, by name. They serialise work across
 * transactions and across server processes sharing one database (PGlite has one process, but
 * runs the same SQL). Ids are in one range so they cannot collide with each other; a new lock
 * gets the next number here, never a literal at the call site.
 */
export const ADVISORY_LOCKS = {
	/** Applying migrations: one process migrates, the others wait and find them applied. */
	migrations: 7301001,
	/** Audit log appends: the hash chain has no forks. */
	audit: 7301002,
	/**
	 * Reconciliation rule runs and the office actions that run them. Lot imports and deletes take
	 * it too, on purpose: a lot file changes what the lot rules find, so an import and a rule run
	 * never interleave, and two imports planned against the same stored lots cannot both insert.
	 */
	reconciliation: 7301003,
	/** Server key rotation, destruction of old secrets and enrolment codes (which pin a key generation). */
	serverKeys: 7301004,
	/** Vaccine catalogue changes. */
	catalog: 7301005,
	/** Exports: the pending set depends on earlier exports' rows. */
	exports: 7301006
} as const;
