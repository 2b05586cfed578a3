-- Lot master: which lots of which product, with expiry, were delivered to which sites. Devices
-- receive the lots of their site so a lot is chosen, scanned or confirmed, never typed.
CREATE TABLE lots (
	product text NOT NULL,
	lot text NOT NULL,
	expiry date NOT NULL,
	sites jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (product, lot)
);
