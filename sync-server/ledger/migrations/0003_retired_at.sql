-- When a device was retired: it may still upload what it recorded up to that day, nothing newer.
ALTER TABLE devices ADD COLUMN retired_at timestamptz;
