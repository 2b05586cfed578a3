-- The vaccine catalogue (products, makers, GTINs, volumes, sites, routes, dose limits and
-- intervals) as data the back office edits. Every change stores a whole new version; versions
-- are never changed or removed, because records made offline under an older version must still
-- be checked against it (see sync-server/catalog/). Version 1 is seeded at startup from the
-- built-in default (shared/domain/vaccines.ts), so that default is written in one place only.
CREATE TABLE vaccine_catalogs (
	version integer PRIMARY KEY CHECK (version >= 1),
	catalog jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	-- The office user who stored it (null: the server's seed of version 1) and their name then.
	created_by uuid REFERENCES office_users (id),
	created_by_name text NOT NULL
);
CREATE TRIGGER vaccine_catalogs_append_only BEFORE UPDATE OR DELETE ON vaccine_catalogs
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
