-- The current record of each dose after corrections and voids, and the refused updates the
-- back office must see. Both are projections or metadata; raw updates stay the source of truth.

ALTER TABLE dose_events ADD COLUMN replaces uuid;
CREATE INDEX dose_events_replaces ON dose_events (replaces);

-- One row per dose (or not-vaccinated screening) as first recorded; its fields follow the
-- latest correction, and a void marks it voided. Nothing is deleted: every version stays in
-- dose_events.
CREATE TABLE dose_records (
	record_id uuid PRIMARY KEY REFERENCES dose_events (event_id),
	current_event_id uuid NOT NULL REFERENCES dose_events (event_id),
	status text NOT NULL CHECK (status IN ('active', 'voided')),
	outcome text NOT NULL CHECK (outcome IN ('dose', 'not-vaccinated')),
	municipality char(6) NOT NULL,
	ticket_number char(10) NOT NULL,
	dose_number smallint NOT NULL,
	given_at timestamptz NOT NULL,
	site_code text NOT NULL,
	product text,
	lot text,
	record jsonb NOT NULL,
	versions integer NOT NULL
);
CREATE INDEX dose_records_ticket ON dose_records (municipality, ticket_number, dose_number);

-- What a device sent that the server refused: who, which batch, why, which events. Never the
-- content (it may be exactly what must not be stored, such as a My Number).
CREATE TABLE refused_updates (
	id bigserial PRIMARY KEY,
	device_id uuid NOT NULL REFERENCES devices (id),
	batch_id text NOT NULL,
	code text NOT NULL,
	message text NOT NULL,
	event_ids jsonb NOT NULL,
	refused_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refused_updates_device ON refused_updates (device_id, refused_at);
