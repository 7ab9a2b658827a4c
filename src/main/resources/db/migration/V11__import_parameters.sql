-- Bring your own key. One row per EXTERNAL key with its current import parameters, replaced by each
-- GetParametersForImport (the last call wins): the RSA-2048 wrapping key pair (the public key, DER
-- SubjectPublicKeyInfo, in clear; the private key as PKCS#8 wrapped under the root key, bound to
-- the account, region, key and wrapping algorithm), the algorithm the owner wraps with, the
-- SHA-256 of the ImportToken (never the token) and when both expire (24 hours).
-- Destroying a root-key version drops the rows still wrapped under it (they live a day at most;
-- the owner asks GetParametersForImport again) instead of blocking the destruction.
CREATE TABLE import_parameters (
  key_id               UUID PRIMARY KEY REFERENCES cmks(key_id),
  token_sha256         BYTEA NOT NULL CHECK (length(token_sha256) = 32),
  wrapping_algorithm   TEXT NOT NULL
    CHECK (wrapping_algorithm IN ('RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256')),
  public_key           BYTEA NOT NULL,
  private_key_wrapped  BYTEA NOT NULL,
  root_version         INT NOT NULL REFERENCES root_keys(version) ON DELETE CASCADE,
  valid_to             TIMESTAMPTZ NOT NULL,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX import_parameters_valid_to ON import_parameters(valid_to);

-- A commitment to the first material imported into an EXTERNAL key (HMAC-SHA-256 keyed with the
-- material over the key's identity), kept when the material is deleted or expires, so that only
-- the same material can be imported again. NULL until the first import.
ALTER TABLE cmks ADD COLUMN import_commitment BYTEA;

CREATE INDEX cmks_due_material_expiry ON cmks(valid_to)
  WHERE origin = 'EXTERNAL' AND valid_to IS NOT NULL;
