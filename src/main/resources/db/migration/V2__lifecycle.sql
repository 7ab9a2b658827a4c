-- Key lifecycle: scheduled deletion, archive, automatic rotation. Times are timestamptz so that
-- "is it due?" is decided by the database's now(), never by a replica's clock.
ALTER TABLE cmks
  ADD COLUMN deletion_date     TIMESTAMPTZ,
  ADD COLUMN rotation_enabled  BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN rotate_days       INT NOT NULL DEFAULT 0,
  ADD COLUMN last_rotate_time  TIMESTAMPTZ,
  ADD COLUMN next_rotate_time  TIMESTAMPTZ;

-- Purged keys keep a tombstone row (their id is never reused) but free their alias.
DROP INDEX cmks_alias;
CREATE UNIQUE INDEX cmks_alias ON cmks(app_id, region, alias) WHERE alias <> '' AND key_state <> 'Purged';

CREATE INDEX cmks_due_deletion ON cmks(deletion_date) WHERE key_state = 'PendingDelete';
CREATE INDEX cmks_due_rotation ON cmks(next_rotate_time) WHERE rotation_enabled AND key_state = 'Enabled';
