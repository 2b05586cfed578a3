-- Secrets are never in the ledger in clear. The server's key pairs move to
-- server_key_generations with their secret halves sealed (AES-256-GCM) under the key file kept
-- outside the database (SERVER_KEY_FILE, sync-server/secrets/); TOTP secrets move to
-- office_users.totp_sealed, sealed the same way. The sealing cannot be SQL, since the key is not
-- in the database: right after this script, in the same transaction, the migrator runs
-- sync-server/secrets/seal-clear-secrets.ts, which seals what a ledger made before this migration
-- holds in clear. Migration 0014 then drops the clear table and column.

CREATE TABLE server_key_generations (
	generation integer PRIMARY KEY CHECK (generation >= 1),
	box_public bytea NOT NULL,
	sign_public bytea NOT NULL,
	-- X25519 box secret (32 bytes) ‖ Ed25519 sign secret (64 bytes), sealed. Set to NULL once no
	-- device and no open enrolment code can still use this generation.
	secrets_sealed bytea,
	-- From generation 2 on: the previous generation's Ed25519 signature over the key-change bytes
	-- (shared/protocol/server-keys.ts), which devices follow from the keys they pinned.
	certificate bytea,
	created_at timestamptz NOT NULL DEFAULT now(),
	-- When a newer generation replaced it. Its public keys stay, so what it signed still verifies.
	retired_at timestamptz,
	secrets_destroyed_at timestamptz,
	CHECK ((generation = 1) = (certificate IS NULL)),
	CHECK ((secrets_sealed IS NULL) = (secrets_destroyed_at IS NOT NULL))
);

-- A generation's number, public keys and certificate never change, and no generation is removed:
-- receipts signed by it must verify for as long as the ledger exists. Retiring it and destroying
-- its secrets are the only updates.
CREATE FUNCTION refuse_server_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' OR NEW.generation <> OLD.generation OR NEW.box_public <> OLD.box_public
		OR NEW.sign_public <> OLD.sign_public OR NEW.certificate IS DISTINCT FROM OLD.certificate
		OR (NEW.secrets_sealed IS NOT NULL AND NEW.secrets_sealed IS DISTINCT FROM OLD.secrets_sealed) THEN
		RAISE EXCEPTION 'server_key_generations: % of generation % refused', TG_OP, OLD.generation;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER server_key_generations_fixed BEFORE UPDATE OR DELETE ON server_key_generations
	FOR EACH ROW EXECUTE FUNCTION refuse_server_key_change();

-- The generation of the server's keys each device has pinned (acknowledged): the server completes
-- its handshake with that generation's keys, then offers the device the newer ones.
ALTER TABLE devices ADD COLUMN server_key_generation integer NOT NULL DEFAULT 1;
-- The generation whose public keys an enrolment code carries (the device pins those).
ALTER TABLE enrolments ADD COLUMN server_key_generation integer NOT NULL DEFAULT 1;

-- The TOTP secret (base32 text), sealed; NULL without a second factor.
ALTER TABLE office_users ADD COLUMN totp_sealed bytea;
