-- The clear copies of the server's secret keys and of the TOTP secrets, sealed by migration
-- 0013's step, are removed. (PostgreSQL reuses the space of removed values only after VACUUM, and
-- backups made before the upgrade still hold them: see the README on rotating the keys after
-- upgrading.)
DROP TABLE server_keys;
ALTER TABLE office_users DROP COLUMN totp_secret;
