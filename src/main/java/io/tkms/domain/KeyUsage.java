package io.tkms.domain;

/** What a CMK may be used for; this server builds symmetric encryption keys only. */
public enum KeyUsage {
  /**
   * Encrypt, Decrypt, GenerateDataKey and ReEncrypt (API 3.0 spelling; API 2.0 writes {@code
   * ENCRYPT/DECRYPT}).
   */
  ENCRYPT_DECRYPT
}
