-- Per-account overrides of the limiter groups other than crypto and management, by group name
-- ({"SIGN": 50, "PUBLIC_KEY": 20}); names and values are validated by the application, as for
-- actions. Replicas older than this column keep running and do not see these overrides.
ALTER TABLE account_limits ADD COLUMN groups JSONB NOT NULL DEFAULT '{}'::jsonb;
