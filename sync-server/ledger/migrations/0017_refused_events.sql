-- Refused records have a way back (issue 13). Until now a refused update kept identifiers and
-- the first problem only, and its doses silently left the ledger.
--
-- One row per event the server refused, written with its refused_updates row
-- (sync-server/reconciliation/refused-records.ts): the event as the device sent it (never when
-- the refusal is MY_NUMBER: then only the path of the field that held it) and every problem
-- found in it, each with its stable code and Japanese text. Append-only: what a device sent is
-- evidence, and the office acts on it with new events, never by editing it.
CREATE TABLE refused_events (
	id bigserial PRIMARY KEY,
	refused_update_id bigint NOT NULL REFERENCES refused_updates (id),
	device_id uuid NOT NULL REFERENCES devices (id),
	batch_id text NOT NULL,
	event_id uuid NOT NULL,
	content jsonb,
	-- Why there is no content: 'my-number' (my_number_field says where) or 'too-large'.
	withheld text CHECK (withheld IN ('my-number', 'too-large')),
	my_number_field text,
	problems jsonb NOT NULL,
	refused_at timestamptz NOT NULL DEFAULT now(),
	CHECK ((content IS NULL) = (withheld IS NOT NULL))
);
CREATE INDEX refused_events_update ON refused_events (refused_update_id);
CREATE INDEX refused_events_batch ON refused_events (batch_id);
CREATE INDEX refused_events_event ON refused_events (event_id);
CREATE TRIGGER refused_events_append_only BEFORE UPDATE OR DELETE ON refused_events
	FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The office records a refused record as corrected: a new dose or 接種不適当 event built from the
-- refused content with its fields fixed, stored as an office event (user, time, reason) that
-- names the refused event it comes from. Its record is itself (record_id = event_id).
ALTER TABLE office_events ADD COLUMN refused_event_id bigint REFERENCES refused_events (id);
ALTER TABLE office_events DROP CONSTRAINT office_events_type_check;
ALTER TABLE office_events ADD CONSTRAINT office_events_type_check
	CHECK (type IN ('correction', 'void', 'batch-close', 'dose', 'not-vaccinated'));
ALTER TABLE office_events DROP CONSTRAINT office_events_kind_fields;
ALTER TABLE office_events ADD CONSTRAINT office_events_kind_fields CHECK (
	CASE
		WHEN type = 'batch-close' THEN replaces IS NULL AND record_id IS NULL AND through_update_seq IS NOT NULL AND refused_event_id IS NULL
		WHEN type IN ('dose', 'not-vaccinated') THEN replaces IS NULL AND record_id = event_id AND through_update_seq IS NULL AND refused_event_id IS NOT NULL
		ELSE replaces IS NOT NULL AND record_id IS NOT NULL AND through_update_seq IS NULL AND refused_event_id IS NULL
	END
);
CREATE UNIQUE INDEX office_events_refused_event ON office_events (refused_event_id) WHERE refused_event_id IS NOT NULL;

-- A refused record the office looked at and decided not to record: dismissed, with a reason.
ALTER TABLE reconciliation_items DROP CONSTRAINT reconciliation_items_status_check;
ALTER TABLE reconciliation_items ADD CONSTRAINT reconciliation_items_status_check
	CHECK (status IN ('open', 'accepted', 'voided', 'corrected', 'reported', 'cleared', 'dismissed'));
