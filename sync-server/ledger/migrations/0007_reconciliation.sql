-- Reconciliation: the workflow state of each batch, events authored by back-office users, and
-- the review queue the rules fill (sync-server/reconciliation/).

-- open → closed (the device's batch-close event is stored) → received (closed, and nothing of it
-- is left unaccounted for: every refused update of the batch has been dealt with) → checked
-- (staff, no open item) → approved (supervisor, no open item) → exported (the export).
-- The paper tally and close time are not copied here: they are read from the batch-close
-- event in dose_events, so a rebuild cannot disagree with them.
ALTER TABLE batches
	ADD COLUMN state text NOT NULL DEFAULT 'open'
		CHECK (state IN ('open', 'closed', 'received', 'checked', 'approved', 'exported')),
	ADD COLUMN state_changed_at timestamptz,
	ADD COLUMN checked_by uuid REFERENCES office_users (id),
	ADD COLUMN checked_at timestamptz,
	ADD COLUMN approved_by uuid REFERENCES office_users (id),
	ADD COLUMN approved_at timestamptz;
CREATE INDEX batches_state ON batches (state, service_day);

-- Corrections and voids made in the back office. They carry no device signature, so the
-- user, the time and the reason are stored with them; the payload is a correction or void
-- event valid under the shared event schema. Append-only like sync_updates: nothing here is
-- ever edited, and `ledger rebuild` replays these after the device updates.
CREATE TABLE office_events (
	seq bigserial PRIMARY KEY,
	event_id uuid NOT NULL UNIQUE,
	type text NOT NULL CHECK (type IN ('correction', 'void')),
	replaces uuid NOT NULL,
	record_id uuid NOT NULL,
	batch_id text NOT NULL REFERENCES batches (id),
	user_id uuid NOT NULL REFERENCES office_users (id),
	username text NOT NULL,
	reason text NOT NULL,
	item_id bigint,
	payload jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX office_events_record ON office_events (record_id);
CREATE TRIGGER office_events_append_only BEFORE UPDATE OR DELETE ON office_events
	FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Office events are projected into dose_events like device events, so the current record,
-- counts and history treat both alike. Such a row has no raw update: office_seq names its
-- source instead, and device_id stays the batch's device (dose_events rows belong to a batch).
ALTER TABLE dose_events ALTER COLUMN update_seq DROP NOT NULL;
ALTER TABLE dose_events ADD COLUMN office_seq bigint REFERENCES office_events (seq);
ALTER TABLE dose_events ADD CONSTRAINT dose_events_one_source CHECK ((update_seq IS NULL) <> (office_seq IS NULL));
-- The rules after each update read a batch's events newer than the last judged update, and
-- its batch-close; neither may cost a scan of the whole day's batch.
CREATE INDEX dose_events_batch ON dose_events (batch_id, update_seq);
CREATE INDEX dose_events_batch_close ON dose_events (batch_id) WHERE type = 'batch-close';

-- The review queue. One row per finding: a rule (reason) about a subject — the version of a
-- record it judged (its current event id), a batch's close event (tally), a refused update.
-- Re-running the rules inserts only what is new (unique on reason and subject); a finding
-- that no longer holds while open is marked 'cleared' by the run, never deleted.
CREATE TABLE reconciliation_items (
	id bigserial PRIMARY KEY,
	reason text NOT NULL,
	subject text NOT NULL,
	batch_id text NOT NULL,
	record_id uuid,
	event_id uuid,
	municipality char(6),
	ticket_number char(10),
	dose_number smallint,
	status text NOT NULL DEFAULT 'open'
		CHECK (status IN ('open', 'accepted', 'voided', 'corrected', 'reported', 'cleared')),
	details jsonb NOT NULL DEFAULT '{}',
	note text,
	created_at timestamptz NOT NULL DEFAULT now(),
	resolved_by uuid REFERENCES office_users (id),
	resolved_at timestamptz,
	UNIQUE (reason, subject)
);
CREATE INDEX reconciliation_items_status ON reconciliation_items (status, reason, id);
CREATE INDEX reconciliation_items_batch ON reconciliation_items (batch_id, status);
CREATE INDEX reconciliation_items_ticket ON reconciliation_items (municipality, ticket_number);
