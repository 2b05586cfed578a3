-- Scale-out: every stored device update is announced to the other sync-server processes on the
-- same PostgreSQL (sync-server/transport/venue-notify.ts). Sent from a trigger so the notice
-- is part of the storing transaction: PostgreSQL delivers it exactly when the row commits, and
-- never for a rolled-back one, even if the process dies right after its COMMIT. Only the seq
-- and the sender's application_name travel (NOTIFY payloads are capped at 8000 bytes); the
-- listener reads the row itself. On the embedded PGlite nobody listens and this costs nothing.
CREATE FUNCTION announce_sync_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('sync_updates', NEW.seq::text || ' ' || current_setting('application_name'));
	RETURN NULL;
END
$$;
CREATE TRIGGER sync_updates_announce AFTER INSERT ON sync_updates
	FOR EACH ROW EXECUTE FUNCTION announce_sync_update();
