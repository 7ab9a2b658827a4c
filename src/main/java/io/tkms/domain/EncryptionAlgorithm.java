package io.tkms.domain;

import io.tkms.error.ErrorCode;

/**
 * Public-key encryption schemes: the {@code Algorithm} of AsymmetricRsaDecrypt (the three RSA ones)
 * and the {@code EncryptionAlgorithm} of Decrypt and GenerateDataKey with an {@code
 * EncryptionPublicKey} (all five).
 */
public enum EncryptionAlgorithm {
  /** SM2 with the ciphertext as raw bytes {@code 04 || X || Y || C3 || C2}. */
  SM2(false),
  /** SM2 with the ciphertext as DER {@code SEQUENCE {x, y, C3, C2}} (OpenSSL 3's form). */
  SM2_C1C3C2_ASN1(false),
  /** RSAES-PKCS1-v1_5. */
  RSAES_PKCS1_V1_5(true),
  /** RSAES-OAEP with SHA-1 and MGF1-SHA-1, empty label. */
  RSAES_OAEP_SHA_1(true),
  /** RSAES-OAEP with SHA-256 and MGF1-SHA-256, empty label. */
  RSAES_OAEP_SHA_256(true);

  private final boolean rsa;

  EncryptionAlgorithm(boolean rsa) {
    this.rsa = rsa;
  }

  public boolean isRsa() {
    return rsa;
  }

  /**
   * The largest plaintext an RSA-2048 key takes with this scheme (no limit for SM2: {@code
   * Integer.MAX_VALUE}).
   */
  public int maxRsa2048Plaintext() {
    return switch (this) {
      case RSAES_PKCS1_V1_5 -> 245;
      case RSAES_OAEP_SHA_1 -> 214;
      case RSAES_OAEP_SHA_256 -> 190;
      default -> Integer.MAX_VALUE;
    };
  }

  /**
   * The scheme named {@code text}.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER for any other text
   */
  public static EncryptionAlgorithm parse(String text, String field) {
    for (EncryptionAlgorithm a : values()) {
      if (a.name().equals(text)) {
        return a;
      }
    }
    throw ErrorCode.INVALID_PARAMETER.exception(field + " is not a supported algorithm");
  }

  /**
   * The RSA scheme named {@code text} (AsymmetricRsaDecrypt's {@code Algorithm}).
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER for any other text
   */
  public static EncryptionAlgorithm parseRsa(String text, String field) {
    EncryptionAlgorithm a = parse(text, field);
    if (!a.rsa) {
      throw ErrorCode.INVALID_PARAMETER.exception(field + " is not an RSA algorithm");
    }
    return a;
  }
}
