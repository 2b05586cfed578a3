-- A supervisor closes a batch on its device's behalf (issue 13): a tablet that is lost, broken or
-- stolen never sends its batch-close, and its batch would stay 'open' for good.
--
-- The office close is an office event like a correction or void (see
-- sync-server/reconciliation/office-close.ts): office_events keeps it append-only with the
-- supervisor, the time and the reason, its payload is a batch-close event valid under the shared
-- event schema (operator 'office', the paper 予診票 tally), and it is projected into dose_events
-- (office_seq as its source) so the tally rule, the batch list and `ledger rebuild` treat it as
-- they treat a device's close.
ALTER TABLE office_events DROP CONSTRAINT office_events_type_check;
ALTER TABLE office_events ADD CONSTRAINT office_events_type_check CHECK (type IN ('correction', 'void', 'batch-close'));
-- A close replaces nothing and belongs to no record.
ALTER TABLE office_events ALTER COLUMN replaces DROP NOT NULL;
ALTER TABLE office_events ALTER COLUMN record_id DROP NOT NULL;
-- For an office close: the last raw update of the batch the ledger held when the supervisor
-- closed it (0 when none). Device events of later updates arrived after the close: the rules
-- flag them (late-after-close) and take the batch back to 'received'. A raw update's seq never
-- changes, so a rebuild judges the same events late.
ALTER TABLE office_events ADD COLUMN through_update_seq bigint;
ALTER TABLE office_events ADD CONSTRAINT office_events_kind_fields CHECK (
	CASE WHEN type = 'batch-close'
		THEN replaces IS NULL AND record_id IS NULL AND through_update_seq IS NOT NULL
		ELSE replaces IS NOT NULL AND record_id IS NOT NULL AND through_update_seq IS NULL
	END
);
CREATE INDEX office_events_batch_close ON office_events (batch_id) WHERE type = 'batch-close';
