package io.tkms.domain;

import io.tkms.error.ErrorCode;

/**
 * The {@code Algorithm} values of SignByAsymmetricKey and VerifyByAsymmetricKey, each allowed for
 * one key usage, with the length a {@code DIGEST} message must have.
 */
public enum SigningAlgorithm {
  /** SM2 with SM3 and the default user id {@code 1234567812345678}; DIGEST = SM3(Z_A || M). */
  SM2DSA(KeyUsage.ASYMMETRIC_SIGN_VERIFY_SM2, 32),
  /** ECDSA P-256 with SHA-256, DER signature. */
  ECC_P256_R1(KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC, 32),
  /** ECDSA P-384 with SHA-384, DER signature; DIGEST = the 48-byte SHA-384. */
  ECDSA384_SHA384(KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECDSA384, 48),
  /** RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 bytes. */
  RSA_PSS_SHA_256(KeyUsage.ASYMMETRIC_SIGN_VERIFY_RSA_2048, 32),
  /** RSASSA-PKCS1-v1_5 with SHA-256. */
  RSA_PKCS1_SHA_256(KeyUsage.ASYMMETRIC_SIGN_VERIFY_RSA_2048, 32);

  /** Largest RAW message, in bytes. */
  public static final int MAX_RAW_MESSAGE = 4096;

  private final KeyUsage usage;
  private final int digestLength;

  SigningAlgorithm(KeyUsage usage, int digestLength) {
    this.usage = usage;
    this.digestLength = digestLength;
  }

  /** The only key usage this algorithm signs with. */
  public KeyUsage usage() {
    return usage;
  }

  /** The length of a DIGEST message. */
  public int digestLength() {
    return digestLength;
  }

  /**
   * The algorithm named {@code text}.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER for any other text
   */
  public static SigningAlgorithm parse(String text) {
    for (SigningAlgorithm a : values()) {
      if (a.name().equals(text)) {
        return a;
      }
    }
    throw ErrorCode.INVALID_PARAMETER.exception("Algorithm is not a signing algorithm");
  }

  /**
   * Checks that {@code usage} may use this algorithm.
   *
   * @throws io.tkms.error.KmsException KEY_USAGE_MISMATCH for a key that does not sign at all,
   *     INVALID_PARAMETER for a signing key of another algorithm
   */
  public void checkKey(KeyUsage keyUsage) {
    if (!keyUsage.signs()) {
      throw ErrorCode.KEY_USAGE_MISMATCH.exception("the key is not a signing key");
    }
    if (keyUsage != usage) {
      throw ErrorCode.INVALID_PARAMETER.exception(
          "the algorithm " + name() + " is not allowed for a key of usage " + keyUsage.name());
    }
  }
}
