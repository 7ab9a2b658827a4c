package io.tkms.crypto;

import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyUsage;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The cryptography of bring-your-own-key: the ImportToken's stored form, the unwrapping of
 * EncryptedKeyMaterial with the wrapping key, and the commitment that binds a key to its first
 * material. Blocking (an RSA private operation, about 1 ms): call on a worker. Thread safe.
 */
public final class ImportWrapping {
  private ImportWrapping() {}

  /** The only form of an ImportToken that is stored: its SHA-256. */
  public static byte[] tokenSha256(byte[] token) {
    return Hmacs.sha256(token);
  }

  /** True when {@code token} is the one whose SHA-256 is {@code storedSha256} (constant time). */
  public static boolean tokenMatches(byte[] token, byte[] storedSha256) {
    return ConstantTime.equals(tokenSha256(token), storedSha256);
  }

  /**
   * The commitment to {@code material} for the key named by {@code context}: HMAC-SHA-256 keyed
   * with the material over the context. It reveals nothing of material of 128 or more random bits,
   * and it differs per key, so equal material in two keys is not visible in the database.
   */
  public static byte[] commitment(byte[] material, String context) {
    return Hmacs.hmacSha256(material, context.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decrypts {@code encrypted} with the wrapping key ({@code pkcs8}, {@code spki}) under {@code
   * algorithm} (OAEP with SHA-256 uses MGF1 with SHA-256, as OpenSSL's {@code rsa_oaep_md:sha256}
   * does). The caller owns and zeroes the result.
   *
   * @throws KmsException DECRYPT_MATERIAL_ERROR for every failure of the caller's ciphertext
   *     (length, padding, encoding); INTERNAL_ERROR when the stored wrapping key does not parse (a
   *     fault of the server, not of the request)
   */
  public static byte[] unwrap(
      byte[] pkcs8, byte[] spki, EncryptionAlgorithm algorithm, byte[] encrypted) {
    AsymmetricKey wrappingKey =
        AsymmetricKey.parse(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048, pkcs8, spki);
    try {
      return wrappingKey.decrypt(algorithm, encrypted);
    } catch (KmsException e) {
      throw ErrorCode.DECRYPT_MATERIAL_ERROR.exception();
    }
  }

  /** What {@link #open} found. */
  public enum Verdict {
    OK,
    /** Did not decrypt (OAEP: bad padding or encoding). */
    UNDECRYPTABLE,
    /** Decrypted to the wrong number of bytes. */
    WRONG_LENGTH,
    /** Decrypted to other material than the key's first. */
    OTHER_MATERIAL
  }

  /** The material and its commitment when the verdict is OK; the caller zeroes the material. */
  public record Opened(Verdict verdict, byte[] material, byte[] commitment) {}

  /**
   * Opens EncryptedKeyMaterial and checks it: decrypts, checks its length against {@code length}
   * and its commitment against {@code bound} (null: the key has no material yet, anything of the
   * right length is accepted). With {@code RSAES_PKCS1_V1_5} the three failures are not told apart:
   * every check runs, the work is the same whichever fails, and one verdict comes back ({@link
   * Verdict#UNDECRYPTABLE}), so that the answer is no padding oracle. When the key is bound already
   * (a re-import), the PKCS#1 v1.5 unpadding itself rejects implicitly (BouncyCastle's decoder for
   * a fixed length: a bad padding or length yields {@code length} random bytes, without a branch on
   * the padding), so the commitment check is the only decision, whatever was wrong.
   *
   * @param random for the implicit rejection and the RSA blinding (the HSA's source)
   */
  public static Opened open(
      byte[] pkcs8,
      byte[] spki,
      EncryptionAlgorithm algorithm,
      byte[] encrypted,
      int length,
      byte[] bound,
      String context,
      java.util.function.Consumer<byte[]> random) {
    byte[] material;
    boolean decrypted;
    try {
      material =
          algorithm == EncryptionAlgorithm.RSAES_PKCS1_V1_5 && bound != null
              ? unwrapImplicitly(pkcs8, encrypted, length, random)
              : unwrap(pkcs8, spki, algorithm, encrypted);
      decrypted = true;
    } catch (KmsException e) {
      material = new byte[length];
      decrypted = false;
    }
    try {
      boolean rightLength = material.length == length;
      // Always one HMAC over `length` bytes, whatever came out.
      byte[] probe = rightLength ? material : new byte[length];
      byte[] c = commitment(probe, context);
      boolean same = bound == null || ConstantTime.equals(c, bound);
      if (algorithm == EncryptionAlgorithm.RSAES_PKCS1_V1_5) {
        @SuppressWarnings("ShortCircuitBoolean") // every check is evaluated: no early exit
        boolean ok = decrypted & rightLength & same;
        return ok ? new Opened(Verdict.OK, material, c) : failed(Verdict.UNDECRYPTABLE, material);
      }
      if (!decrypted) {
        return failed(Verdict.UNDECRYPTABLE, material);
      }
      if (!rightLength) {
        return failed(Verdict.WRONG_LENGTH, material);
      }
      if (!same) {
        return failed(Verdict.OTHER_MATERIAL, material);
      }
      return new Opened(Verdict.OK, material, c);
    } catch (RuntimeException e) {
      Arrays.fill(material, (byte) 0);
      throw e;
    }
  }

  /**
   * RSAES-PKCS1-v1_5 decryption to exactly {@code length} bytes with implicit rejection: a
   * ciphertext whose padding or embedded length is wrong decrypts to random bytes instead of
   * failing. Only a ciphertext of the wrong size (public) fails, as DECRYPT_MATERIAL_ERROR.
   */
  private static byte[] unwrapImplicitly(
      byte[] pkcs8, byte[] encrypted, int length, java.util.function.Consumer<byte[]> random) {
    try {
      org.bouncycastle.crypto.params.AsymmetricKeyParameter key =
          org.bouncycastle.crypto.util.PrivateKeyFactory.createKey(pkcs8);
      org.bouncycastle.crypto.encodings.PKCS1Encoding decoder =
          new org.bouncycastle.crypto.encodings.PKCS1Encoding(
              new org.bouncycastle.crypto.engines.RSABlindedEngine(), length);
      decoder.init(
          false,
          new org.bouncycastle.crypto.params.ParametersWithRandom(key, Jca.fromSource(random)));
      if (encrypted.length != decoder.getInputBlockSize()) {
        throw ErrorCode.DECRYPT_MATERIAL_ERROR.exception();
      }
      return decoder.processBlock(encrypted, 0, encrypted.length);
    } catch (java.io.IOException
        | org.bouncycastle.crypto.InvalidCipherTextException
        | RuntimeException e) {
      throw ErrorCode.DECRYPT_MATERIAL_ERROR.exception();
    }
  }

  private static Opened failed(Verdict v, byte[] material) {
    Arrays.fill(material, (byte) 0);
    return new Opened(v, null, null);
  }
}
