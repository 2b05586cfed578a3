-- What each device last reported holding unreceipted (events saved on it that the server has
-- not yet receipted), and when: the back office sees a tablet that still carries doses.
ALTER TABLE devices
	ADD COLUMN unreceipted_count integer CHECK (unreceipted_count >= 0),
	ADD COLUMN unreceipted_reported_at timestamptz;
