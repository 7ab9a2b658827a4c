-- Asymmetric CMKs. key_usage is fixed at creation; existing keys are symmetric. An asymmetric key
-- keeps its private key in cmk_versions (version 1) like any material: PKCS#8 wrapped under the root
-- key with the same wrap context. public_key is its DER SubjectPublicKeyInfo in clear (NULL for a
-- symmetric key). A constant default: adding the column rewrites no row.
ALTER TABLE cmks ADD COLUMN key_usage TEXT NOT NULL DEFAULT 'ENCRYPT_DECRYPT'
  CHECK (key_usage IN ('ENCRYPT_DECRYPT', 'ASYMMETRIC_DECRYPT_RSA_2048', 'ASYMMETRIC_DECRYPT_SM2',
    'ASYMMETRIC_SIGN_VERIFY_SM2', 'ASYMMETRIC_SIGN_VERIFY_ECC', 'ASYMMETRIC_SIGN_VERIFY_RSA_2048',
    'ASYMMETRIC_SIGN_VERIFY_ECDSA384'));
ALTER TABLE cmks ADD COLUMN public_key BYTEA;
ALTER TABLE cmks ADD CONSTRAINT cmks_public_key
  CHECK ((key_usage = 'ENCRYPT_DECRYPT') = (public_key IS NULL));
