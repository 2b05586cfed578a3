-- Exports to the municipal health system, and the name masters they need.

-- 接種会場名 / 医療機関名 for the site codes devices record. Edited in the back office (lot
-- master page); never sent to devices (they know their own site code only).
CREATE TABLE sites (
	code text PRIMARY KEY,
	name text NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- 接種医・予診医 names for the doctor codes devices record. Staff personal data: kept only
-- here, shown only to back-office users and written only into export files; devices and the
-- sync stream carry codes.
CREATE TABLE doctors (
	code text PRIMARY KEY,
	name text NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per export file made. The file itself is kept so a supervisor can download exactly
-- the same bytes again (same sha256) after later corrections have changed the records; a new
-- export of already-exported batches is a new row with reexport = true.
CREATE TABLE exports (
	id uuid PRIMARY KEY,
	layout text NOT NULL CHECK (layout IN ('vrs', 'full')),
	encoding text NOT NULL CHECK (encoding IN ('utf-8-bom', 'shift_jis')),
	-- The request's filters (service-day range, site) as given.
	params jsonb NOT NULL,
	reexport boolean NOT NULL,
	batch_ids jsonb NOT NULL,
	row_count integer NOT NULL,
	file_name text NOT NULL,
	file_sha256 bytea NOT NULL,
	file bytea NOT NULL,
	created_by uuid NOT NULL REFERENCES office_users (id),
	created_by_name text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exports_created ON exports (created_at DESC);
CREATE TRIGGER exports_append_only BEFORE UPDATE OR DELETE ON exports
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
