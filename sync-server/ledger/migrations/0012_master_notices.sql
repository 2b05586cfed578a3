-- A change to the master data devices hold (lots, vaccine catalogue versions) is announced to
-- every sync-server process on the database (PGlite: its own), which sends it to the devices
-- connected to it (sync-server/server.ts, transport/venue-notify.ts). As for sync_updates, the
-- notice comes from a trigger, so it is delivered exactly when the change commits. Statement
-- level: an import of many lots is one notice. Only the sender's application_name travels.
CREATE FUNCTION announce_master_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('master_data', current_setting('application_name'));
	RETURN NULL;
END
$$;
CREATE TRIGGER lots_announce AFTER INSERT OR UPDATE OR DELETE ON lots
	FOR EACH STATEMENT EXECUTE FUNCTION announce_master_change();
CREATE TRIGGER vaccine_catalogs_announce AFTER INSERT ON vaccine_catalogs
	FOR EACH STATEMENT EXECUTE FUNCTION announce_master_change();
