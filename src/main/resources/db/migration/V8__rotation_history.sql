-- Which rotation made a key version: 'automatic' (the rotation job, EnableKeyRotation) or
-- 'manual' (RotateKey); NULL for the version made with the key. The rotation history is the
-- versions that have one, with their created_at; manual rotations are limited per key and day.
ALTER TABLE cmk_versions
  ADD COLUMN rotation TEXT CHECK (rotation IN ('automatic', 'manual'));

-- Until now only the rotation job made versions after the first.
UPDATE cmk_versions SET rotation = 'automatic' WHERE version > 1;
