-- Back-office accounts, their sessions, and the hash-chained audit log.

CREATE TABLE office_users (
	id uuid PRIMARY KEY,
	username text NOT NULL UNIQUE,
	display_name text NOT NULL,
	role text NOT NULL CHECK (role IN ('staff', 'supervisor', 'admin')),
	-- scrypt parameters, salt and hash in one self-describing string (see office/passwords.ts).
	password_hash text NOT NULL,
	-- Base32 TOTP secret once the user has confirmed a second factor; NULL without one.
	totp_secret text,
	-- The last TOTP time step accepted, so one code cannot be used twice.
	totp_last_step bigint,
	failed_logins integer NOT NULL DEFAULT 0,
	locked_until timestamptz,
	disabled_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- The cookie carries a random token; only its SHA-256 is stored, so a copy of this table
-- cannot be replayed as a session.
CREATE TABLE office_sessions (
	token_hash bytea PRIMARY KEY,
	user_id uuid NOT NULL REFERENCES office_users (id),
	csrf_token text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL
);
CREATE INDEX office_sessions_user ON office_sessions (user_id);

-- Every login, view of a ticket's history, change, import, export and device action. Each row's
-- hash covers its content and the previous row's hash, so editing or removing any row breaks
-- the chain from there on (`npm run ledger -- verify-audit`).
CREATE TABLE audit_log (
	seq bigint PRIMARY KEY,
	at timestamptz NOT NULL,
	actor_id uuid,
	actor text NOT NULL,
	action text NOT NULL,
	target text,
	detail jsonb NOT NULL,
	prev_hash bytea NOT NULL,
	hash bytea NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
