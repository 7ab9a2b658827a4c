package io.tkms.crypto;

import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.SigningAlgorithm;
import io.tkms.error.ErrorCode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * An asymmetric CMK's key pair, parsed once and shared (the key objects are immutable; every
 * operation makes its own engine). Every method blocks (0.1–1 ms): call on a worker, never on an
 * event loop. Thread safe.
 */
public final class AsymmetricKey {
  private final KeyUsage usage;
  private final PrivateKey jdkPrivate;
  private final PublicKey jdkPublic;
  private final ECPrivateKeyParameters sm2Private;
  private final ECPublicKeyParameters sm2Public;

  private AsymmetricKey(
      KeyUsage usage,
      PrivateKey jdkPrivate,
      PublicKey jdkPublic,
      ECPrivateKeyParameters sm2Private,
      ECPublicKeyParameters sm2Public) {
    this.usage = usage;
    this.jdkPrivate = jdkPrivate;
    this.jdkPublic = jdkPublic;
    this.sm2Private = sm2Private;
    this.sm2Public = sm2Public;
  }

  /**
   * The key pair of a CMK of {@code usage}: {@code pkcs8} (its private key; the caller keeps and
   * zeroes its bytes) and {@code spki} (its public key).
   *
   * @throws io.tkms.error.KmsException INTERNAL_ERROR when the encodings do not parse
   */
  public static AsymmetricKey parse(KeyUsage usage, byte[] pkcs8, byte[] spki) {
    try {
      switch (usage.family()) {
        case RSA, EC_P256, EC_P384 -> {
          java.security.KeyFactory f =
              Jca.keyFactory(usage.family() == KeyUsage.Family.RSA ? "RSA" : "EC");
          return new AsymmetricKey(
              usage,
              f.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)),
              f.generatePublic(new X509EncodedKeySpec(spki)),
              null,
              null);
        }
        case SM2 -> {
          return new AsymmetricKey(
              usage,
              null,
              null,
              (ECPrivateKeyParameters)
                  org.bouncycastle.crypto.util.PrivateKeyFactory.createKey(pkcs8),
              (ECPublicKeyParameters)
                  org.bouncycastle.crypto.util.PublicKeyFactory.createKey(spki));
        }
        default -> throw new IllegalArgumentException("not an asymmetric usage: " + usage);
      }
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw io.tkms.error.KmsException.internal("asymmetric key does not parse: " + e);
    }
  }

  public KeyUsage usage() {
    return usage;
  }

  /**
   * Signs {@code message}: a RAW message is hashed here, a DIGEST is signed as given (its length
   * checked by the caller against {@link SigningAlgorithm#digestLength()}).
   *
   * @param algorithm must be the key's ({@link SigningAlgorithm#checkKey} first)
   * @return the signature: DER {@code SEQUENCE {r, s}} for SM2 and ECDSA, raw for RSA
   */
  public byte[] sign(
      SigningAlgorithm algorithm, byte[] message, boolean digest, SecureRandom random) {
    try {
      return switch (algorithm) {
        case SM2DSA ->
            digest
                ? Sm2.signDigest(sm2Private, message, random)
                : Sm2.signRaw(sm2Private, message, random);
        case ECC_P256_R1, ECDSA384_SHA384 -> {
          Signature s = Jca.signature("NONEwithECDSA");
          s.initSign(jdkPrivate, random);
          s.update(digest ? message : hash(algorithm, message));
          yield s.sign();
        }
        case RSA_PKCS1_SHA_256 ->
            RsaSignatures.signPkcs1(
                (RSAPrivateKey) jdkPrivate, digest ? message : hash(algorithm, message));
        case RSA_PSS_SHA_256 ->
            RsaSignatures.signPss(
                (RSAPrivateKey) jdkPrivate, digest ? message : hash(algorithm, message), random);
      };
    } catch (GeneralSecurityException | org.bouncycastle.crypto.CryptoException e) {
      throw io.tkms.error.KmsException.internal("signing failed: " + e);
    }
  }

  /**
   * Whether {@code signature} is this key's signature of {@code message} (RAW or DIGEST as in
   * {@link #sign}). A malformed signature is simply not valid: false, never a failure.
   */
  public boolean verify(
      SigningAlgorithm algorithm, byte[] message, boolean digest, byte[] signature) {
    return switch (algorithm) {
      case SM2DSA -> Sm2.verify(sm2Public, message, digest, signature);
      case ECC_P256_R1, ECDSA384_SHA384 -> {
        try {
          Signature s = Jca.signature("NONEwithECDSA");
          s.initVerify(jdkPublic);
          s.update(digest ? message : hash(algorithm, message));
          yield s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
          yield false;
        }
      }
      case RSA_PKCS1_SHA_256 ->
          RsaSignatures.verifyPkcs1(
              (RSAPublicKey) jdkPublic, digest ? message : hash(algorithm, message), signature);
      case RSA_PSS_SHA_256 ->
          RsaSignatures.verifyPss(
              (RSAPublicKey) jdkPublic, digest ? message : hash(algorithm, message), signature);
    };
  }

  /**
   * Decrypts {@code ciphertext} with the private key: an RSA scheme for an RSA decryption key, or
   * SM2 ({@code SM2_C1C3C2_ASN1}: DER, OpenSSL 3's form) for an SM2 decryption key. The caller owns
   * the returned plaintext.
   *
   * <p>Every failure — wrong length, bad padding, malformed DER, a point off the curve, a failed
   * integrity check — is the same DECRYPT_FAILED with the same message, raised at the same place,
   * so that an answer tells nothing about why (no padding oracle through the error). What remains
   * is timing; see docs/security.md.
   */
  public byte[] decrypt(EncryptionAlgorithm algorithm, byte[] ciphertext) {
    try {
      if (usage == KeyUsage.ASYMMETRIC_DECRYPT_SM2) {
        return Sm2.decrypt(sm2Private, Sm2.derToRaw(ciphertext));
      }
      Cipher c = rsaCipher(algorithm);
      c.init(Cipher.DECRYPT_MODE, jdkPrivate, rsaParameters(algorithm));
      return c.doFinal(ciphertext);
    } catch (GeneralSecurityException
        | org.bouncycastle.crypto.InvalidCipherTextException
        | RuntimeException e) {
      throw ErrorCode.DECRYPT_FAILED.exception();
    }
  }

  static Cipher rsaCipher(EncryptionAlgorithm algorithm) {
    return Jca.rsa(
        algorithm == EncryptionAlgorithm.RSAES_PKCS1_V1_5
            ? "RSA/ECB/PKCS1Padding"
            : "RSA/ECB/OAEPPadding");
  }

  /**
   * OAEP's parameters, always explicit (the JDK's defaults take MGF1 with SHA-1); null for v1.5.
   */
  static OAEPParameterSpec rsaParameters(EncryptionAlgorithm algorithm) {
    return switch (algorithm) {
      case RSAES_OAEP_SHA_1 ->
          new OAEPParameterSpec(
              "SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT);
      case RSAES_OAEP_SHA_256 ->
          new OAEPParameterSpec(
              "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
      default -> null;
    };
  }

  private static byte[] hash(SigningAlgorithm algorithm, byte[] message) {
    MessageDigest d =
        Jca.digest(algorithm == SigningAlgorithm.ECDSA384_SHA384 ? "SHA-384" : "SHA-256");
    return d.digest(message);
  }
}
