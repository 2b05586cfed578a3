-- Initial ledger schema. Raw signed updates are the audit trail and are append-only; every
-- other table is a projection that `npm run ledger -- rebuild` can recompute from them.

CREATE TABLE server_keys (
	id smallint PRIMARY KEY CHECK (id = 1),
	box_public bytea NOT NULL,
	box_secret bytea NOT NULL,
	sign_public bytea NOT NULL,
	sign_secret bytea NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE enrolments (
	id uuid PRIMARY KEY,
	secret_hash bytea NOT NULL,
	municipality char(6) NOT NULL,
	setting text NOT NULL CHECK (setting IN ('mass', 'clinic')),
	site_code text NOT NULL,
	label text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	used_at timestamptz,
	device_id uuid
);

CREATE TABLE devices (
	id uuid PRIMARY KEY,
	enrolment_id uuid NOT NULL REFERENCES enrolments (id),
	municipality char(6) NOT NULL,
	setting text NOT NULL,
	site_code text NOT NULL,
	label text NOT NULL,
	box_public bytea NOT NULL,
	sign_public bytea NOT NULL,
	status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired', 'revoked')),
	enrolled_at timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz
);

CREATE TABLE batches (
	id text PRIMARY KEY,
	device_id uuid NOT NULL REFERENCES devices (id),
	municipality char(6) NOT NULL,
	site_code text NOT NULL,
	service_day date NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_updates (
	seq bigserial PRIMARY KEY,
	batch_id text NOT NULL REFERENCES batches (id),
	device_id uuid NOT NULL REFERENCES devices (id),
	update bytea NOT NULL,
	signature bytea NOT NULL,
	update_hash bytea NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (batch_id, update_hash)
);
CREATE INDEX sync_updates_batch ON sync_updates (batch_id, seq);

CREATE TABLE dose_events (
	event_id uuid PRIMARY KEY,
	batch_id text NOT NULL REFERENCES batches (id),
	device_id uuid NOT NULL REFERENCES devices (id),
	update_seq bigint NOT NULL REFERENCES sync_updates (seq),
	type text NOT NULL,
	municipality char(6),
	ticket_number char(10),
	dose_number smallint,
	given_at timestamptz,
	recorded_at timestamptz NOT NULL,
	payload jsonb NOT NULL,
	projected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dose_events_ticket ON dose_events (municipality, ticket_number, dose_number);

-- The audit trail cannot be edited or removed through SQL, not even by the server's own code.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END
$$;
CREATE TRIGGER sync_updates_append_only BEFORE UPDATE OR DELETE ON sync_updates
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
