-- Root key: stored only sealed under the unseal key. One row per root-key version.
CREATE TABLE root_keys (
  version     INT PRIMARY KEY,
  sealed      BYTEA NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  app_id      TEXT PRIMARY KEY CHECK (app_id ~ '^[0-9]{1,20}$'),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE principals (
  uin         TEXT PRIMARY KEY CHECK (uin ~ '^[0-9]{1,20}$'),
  app_id      TEXT NOT NULL REFERENCES accounts(app_id),
  type        TEXT NOT NULL CHECK (type IN ('owner', 'sub', 'collaborator')),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX principals_app ON principals(app_id);

-- Credential secrets are stored only wrapped by the root key (root_version says which).
CREATE TABLE credentials (
  secret_id       TEXT PRIMARY KEY,
  uin             TEXT NOT NULL REFERENCES principals(uin),
  secret_wrapped  BYTEA NOT NULL,
  root_version    INT NOT NULL,
  enabled         BOOLEAN NOT NULL DEFAULT TRUE,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  disabled_at     TIMESTAMPTZ
);
CREATE INDEX credentials_uin ON credentials(uin);

CREATE TABLE cmks (
  key_id           UUID PRIMARY KEY,
  app_id           TEXT NOT NULL REFERENCES accounts(app_id),
  region           TEXT NOT NULL,
  alias            TEXT NOT NULL DEFAULT '',
  description      TEXT NOT NULL DEFAULT '',
  key_state        TEXT NOT NULL,
  creator_uin      TEXT NOT NULL,
  create_time      BIGINT NOT NULL,
  current_version  INT NOT NULL,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Aliases are unique per (account, region) among keys that still exist.
CREATE UNIQUE INDEX cmks_alias ON cmks(app_id, region, alias) WHERE alias <> '';
CREATE INDEX cmks_list ON cmks(app_id, region, create_time, key_id);

-- CMK material is stored only wrapped by the root key.
CREATE TABLE cmk_versions (
  key_id            UUID NOT NULL REFERENCES cmks(key_id),
  version           INT NOT NULL,
  material_wrapped  BYTEA NOT NULL,
  root_version      INT NOT NULL,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (key_id, version)
);
