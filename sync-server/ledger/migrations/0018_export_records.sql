-- Which version of each record went out in a per-dose export (接種一覧 'doses', 全項目 'full').
-- A batch exported before and back with late doses (a tablet the office closed came online) is
-- exported again as a follow-up: the follow-up carries only the records new or changed since
-- (another current event), so the municipal system never reads the same dose twice. A re-export
-- asked for by name (includeExported) still carries everything. VRS files are snapshots per
-- ticket and are tracked by batch (exports.batch_ids), not here. Append-only, like exports.
-- Exports made before this table existed have no rows here: a follow-up of one of those carries
-- its whole batch, as it did then.
CREATE TABLE export_records (
	export_id uuid NOT NULL REFERENCES exports (id),
	layout text NOT NULL,
	record_id uuid NOT NULL,
	current_event_id uuid NOT NULL,
	PRIMARY KEY (export_id, record_id)
);
CREATE INDEX export_records_version ON export_records (layout, record_id, current_event_id);
CREATE TRIGGER export_records_append_only BEFORE UPDATE OR DELETE ON export_records
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
