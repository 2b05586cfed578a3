-- The issued-ticket register imported from the municipal health system (sync-server/register/).
-- Reconciliation reads register_tickets: a dose's ticket must have been issued, for that dose,
-- and its holder not moved out or deceased before the dose date.

CREATE TABLE register_imports (
	id uuid PRIMARY KEY,
	file_name text NOT NULL,
	-- 'utf-8', 'utf-8-bom' or 'shift_jis': what the file was decoded as (shown in the preview).
	encoding text NOT NULL,
	file_sha256 bytea NOT NULL,
	file_bytes integer NOT NULL,
	total_rows integer NOT NULL,
	valid_rows integer NOT NULL,
	error_rows integer NOT NULL,
	-- The first errors (line, column, code, message; never cell contents) for the preview.
	errors jsonb NOT NULL,
	-- Rows per municipality code, so a file of the wrong municipality shows at a glance.
	municipalities jsonb NOT NULL,
	-- Header names of columns the file had and we do not read (never their contents).
	ignored_columns jsonb NOT NULL,
	state text NOT NULL CHECK (state IN ('previewed', 'committing', 'committed', 'discarded')),
	-- Commit progress: the last staged line applied, and what the applied batches did.
	committed_through_line integer NOT NULL DEFAULT 0,
	committed_rows integer NOT NULL DEFAULT 0,
	inserted_rows integer NOT NULL DEFAULT 0,
	updated_rows integer NOT NULL DEFAULT 0,
	unchanged_rows integer NOT NULL DEFAULT 0,
	skipped_invalid boolean NOT NULL DEFAULT false,
	created_by uuid,
	created_by_name text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	committed_by uuid,
	committed_by_name text,
	committed_at timestamptz
);
CREATE INDEX register_imports_created ON register_imports (created_at DESC);
CREATE INDEX register_imports_hash ON register_imports (file_sha256);

-- Valid rows of a previewed file, kept in the database (not in one process's memory) so that
-- any server process on a shared PostgreSQL can commit it, and a commit cut short resumes.
-- Emptied once the import is committed or discarded.
CREATE TABLE register_staging (
	import_id uuid NOT NULL REFERENCES register_imports (id),
	line integer NOT NULL,
	municipality char(6) NOT NULL,
	ticket_number char(10) NOT NULL,
	eligible_doses smallint[] NOT NULL,
	moved_out_on date,
	deceased_on date,
	PRIMARY KEY (import_id, line)
);

CREATE TABLE register_tickets (
	municipality char(6) NOT NULL,
	ticket_number char(10) NOT NULL,
	eligible_doses smallint[] NOT NULL,
	moved_out_on date,
	deceased_on date,
	-- The import that last changed this row (an identical row in a later file leaves it alone).
	import_id uuid NOT NULL REFERENCES register_imports (id),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (municipality, ticket_number)
);
CREATE INDEX register_tickets_ticket ON register_tickets (ticket_number);
CREATE INDEX register_tickets_import ON register_tickets (import_id);
