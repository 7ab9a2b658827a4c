-- Per-account QPS overrides set through the management API; absent = the configured defaults.
CREATE TABLE account_limits (
  app_id      TEXT PRIMARY KEY REFERENCES accounts(app_id),
  crypto      INT CHECK (crypto > 0),
  management  INT CHECK (management > 0),
  actions     JSONB NOT NULL DEFAULT '{}'::jsonb,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
