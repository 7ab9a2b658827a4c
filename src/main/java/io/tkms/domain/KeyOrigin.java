package io.tkms.domain;

/**
 * Where a CMK's material comes from, as {@code KeyMetadata.Origin} names it: made by this server
 * ({@code TENCENT_KMS}) or imported by its owner ({@code EXTERNAL}).
 */
public enum KeyOrigin {
  TENCENT_KMS,
  EXTERNAL
}
