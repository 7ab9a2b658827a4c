package io.tkms.domain;

import java.util.List;

/**
 * What a CMK may be used for: symmetric encryption ({@link #ENCRYPT_DECRYPT}) or one asymmetric key
 * pair, for decryption or for signatures. A key's usage is fixed when it is created.
 */
public enum KeyUsage {
  /**
   * Encrypt, Decrypt, GenerateDataKey and ReEncrypt (API 3.0 spelling; API 2.0 writes {@code
   * ENCRYPT/DECRYPT}).
   */
  ENCRYPT_DECRYPT(Family.SYMMETRIC, "AES_256"),
  /** RSA-2048 (e = 65537) for AsymmetricRsaDecrypt. */
  ASYMMETRIC_DECRYPT_RSA_2048(Family.RSA, "RSA_2048"),
  /** SM2 (curve sm2p256v1) for AsymmetricSm2Decrypt. */
  ASYMMETRIC_DECRYPT_SM2(Family.SM2, "SM2"),
  /** SM2 signatures ({@code SM2DSA}). */
  ASYMMETRIC_SIGN_VERIFY_SM2(Family.SM2, "SM2"),
  /** ECDSA on NIST P-256 ({@code ECC_P256_R1}). */
  ASYMMETRIC_SIGN_VERIFY_ECC(Family.EC_P256, "ECC"),
  /** RSA-2048 signatures ({@code RSA_PSS_SHA_256}, {@code RSA_PKCS1_SHA_256}). */
  ASYMMETRIC_SIGN_VERIFY_RSA_2048(Family.RSA, "RSA_2048"),
  /** ECDSA on NIST P-384 ({@code ECDSA384_SHA384}). */
  ASYMMETRIC_SIGN_VERIFY_ECDSA384(Family.EC_P384, "ECDSA384_SHA384");

  /** The kind of key behind a usage. */
  public enum Family {
    SYMMETRIC,
    RSA,
    SM2,
    EC_P256,
    EC_P384
  }

  private final Family family;
  private final String algorithm;

  KeyUsage(Family family, String algorithm) {
    this.family = family;
    this.algorithm = algorithm;
  }

  public Family family() {
    return family;
  }

  /** The algorithm's name in ListAlgorithms. */
  public String algorithm() {
    return algorithm;
  }

  /** True for every usage but {@link #ENCRYPT_DECRYPT}. */
  public boolean isAsymmetric() {
    return this != ENCRYPT_DECRYPT;
  }

  /** True for the signing usages (SignByAsymmetricKey, VerifyByAsymmetricKey). */
  public boolean signs() {
    return name().startsWith("ASYMMETRIC_SIGN_VERIFY_");
  }

  /** True for the decryption usages (AsymmetricRsaDecrypt, AsymmetricSm2Decrypt). */
  public boolean decrypts() {
    return name().startsWith("ASYMMETRIC_DECRYPT_");
  }

  /** True for the Chinese national algorithms: Tencent shows these keys with {@code Type} 4. */
  public boolean isSm() {
    return family == Family.SM2;
  }

  /** The asymmetric usages, in the order ListAlgorithms shows them. */
  public static List<KeyUsage> asymmetric() {
    return List.of(
        ASYMMETRIC_DECRYPT_SM2,
        ASYMMETRIC_DECRYPT_RSA_2048,
        ASYMMETRIC_SIGN_VERIFY_SM2,
        ASYMMETRIC_SIGN_VERIFY_RSA_2048,
        ASYMMETRIC_SIGN_VERIFY_ECC,
        ASYMMETRIC_SIGN_VERIFY_ECDSA384);
  }
}
