-- Root-key custody. Each root-key version is held either by the software seal (custody 'software':
-- `sealed` holds it wrapped under the keyring key) or by a PKCS#11 token (custody 'pkcs11': the key
-- is the token object labelled <KMS_PKCS11_KEY_LABEL>-v<version>, and `sealed` is NULL: Postgres
-- records only that the version exists). Rows of version 1 written before this migration are sealed
-- directly under the unseal key; the first start after it (which holds the unseal key) moves them
-- under the keyring key, in one transaction (RootKey.SoftwareCustody), whenever root_keyring is
-- empty.
ALTER TABLE root_keys ADD COLUMN custody TEXT NOT NULL DEFAULT 'software'
  CHECK (custody IN ('software', 'pkcs11'));
ALTER TABLE root_keys ALTER COLUMN sealed DROP NOT NULL;
ALTER TABLE root_keys ADD CONSTRAINT root_keys_sealed
  CHECK ((custody = 'software') = (sealed IS NOT NULL));

-- The software seal's keyring key: the only thing sealed under the unseal key. Changing the unseal
-- key (seal rekey) rewrites this one row.
CREATE TABLE root_keyring (
  id          SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  sealed      BYTEA NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A root-key version cannot be removed while anything is wrapped under it, and nothing can be
-- wrapped under a version that was removed (a replica that has not yet heard of the removal fails
-- its write instead of storing material nobody could open).
CREATE INDEX cmk_versions_root ON cmk_versions(root_version);
CREATE INDEX credentials_root ON credentials(root_version);
-- NOT VALID here, validated by V6 in a transaction of its own: old replicas still running during
-- a rolling upgrade keep writing while existing rows are checked (VALIDATE's lock allows writes).
ALTER TABLE cmk_versions ADD CONSTRAINT cmk_versions_root_fk
  FOREIGN KEY (root_version) REFERENCES root_keys(version) NOT VALID;
ALTER TABLE credentials ADD CONSTRAINT credentials_root_fk
  FOREIGN KEY (root_version) REFERENCES root_keys(version) NOT VALID;
