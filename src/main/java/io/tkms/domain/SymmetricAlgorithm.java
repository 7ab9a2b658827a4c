package io.tkms.domain;

/**
 * The cipher of a symmetric CMK, fixed when the key is created: AES-256-GCM, or SM4-GCM in the
 * regions the SM profile names ({@code KMS_SM_REGIONS}). Its material length is also the length of
 * material an EXTERNAL key imports. An asymmetric key keeps the default and never uses it.
 */
public enum SymmetricAlgorithm {
  /** AES-256-GCM messages (ciphertext format v1); 32-byte material. */
  AES_256(32),
  /** SM4-GCM messages with an SM3-based HKDF (ciphertext format v2); 16-byte material. */
  SM4(16);

  private final int materialLength;

  SymmetricAlgorithm(int materialLength) {
    this.materialLength = materialLength;
  }

  /** The key material's length in bytes. */
  public int materialLength() {
    return materialLength;
  }
}
