-- A symmetric CMK's cipher, fixed at creation: AES_256 (AES-256-GCM, 32-byte material) or SM4
-- (SM4-GCM, 16-byte material) in the regions of the SM profile. Where its material comes from:
-- TENCENT_KMS (made here) or EXTERNAL (imported by the owner), and when imported material expires
-- (NULL: never). Constant defaults: adding the columns rewrites no row, and every existing key is an
-- AES-256 key made here.
ALTER TABLE cmks ADD COLUMN algorithm TEXT NOT NULL DEFAULT 'AES_256'
  CHECK (algorithm IN ('AES_256', 'SM4'));
ALTER TABLE cmks ADD COLUMN origin TEXT NOT NULL DEFAULT 'TENCENT_KMS'
  CHECK (origin IN ('TENCENT_KMS', 'EXTERNAL'));
ALTER TABLE cmks ADD COLUMN valid_to TIMESTAMPTZ;
