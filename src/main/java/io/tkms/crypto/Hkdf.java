package io.tkms.crypto;

import java.util.Arrays;
import javax.crypto.Mac;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * HKDF (RFC 5869) with HMAC-SHA256 (the JDK's), and with HMAC-SM3 for the SM profile
 * (BouncyCastle's).
 *
 * <p>Threading: thread safe; every call uses this thread's own HMAC engine. Throws no {@code
 * ErrorCode}: all inputs come from the server itself, so bad arguments are programming errors
 * ({@link IllegalArgumentException}).
 */
public final class Hkdf {
  private static final int HASH_LENGTH = 32;

  /** RFC 5869 section 2.3: L &lt;= 255 * HashLen. */
  public static final int MAX_LENGTH = 255 * HASH_LENGTH;

  private Hkdf() {}

  /**
   * Extract-then-expand with HMAC-SM3 (HashLen 32), as {@link #deriveSha256} with SHA-256.
   *
   * @return L bytes of output keying material; the caller owns (and should zero) it
   */
  public static byte[] deriveSm3(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (ikm == null) {
      throw new IllegalArgumentException("ikm is null");
    }
    if (length < 1 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("HKDF length must be 1.." + MAX_LENGTH);
    }
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SM3Digest());
    // HKDFParameters takes a null or empty salt as HashLen zero bytes (RFC 5869 2.2).
    hkdf.init(new HKDFParameters(ikm, salt, info == null ? new byte[0] : info));
    byte[] okm = new byte[length];
    hkdf.generateBytes(okm, 0, length);
    return okm;
  }

  /**
   * Extract-then-expand.
   *
   * @param ikm input keying material (may be empty, not null)
   * @param salt optional salt; {@code null} or empty means HashLen zero bytes (RFC 5869 2.2)
   * @param info optional context; {@code null} means empty
   * @param length output length L, 1..{@link #MAX_LENGTH}
   * @return L bytes of output keying material; the caller owns (and should zero) it
   */
  public static byte[] deriveSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (ikm == null) {
      throw new IllegalArgumentException("ikm is null");
    }
    if (length < 1 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("HKDF length must be 1.." + MAX_LENGTH);
    }
    byte[] effectiveSalt = salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt;
    byte[] effectiveInfo = info == null ? new byte[0] : info;

    Mac mac = Jca.hmacSha256();
    Hmacs.init(mac, Jca.HMAC_SHA256, effectiveSalt);
    byte[] prk = mac.doFinal(ikm);
    byte[] okm = new byte[length];
    byte[] block = new byte[0];
    try {
      Hmacs.init(mac, Jca.HMAC_SHA256, prk);
      int filled = 0;
      for (int counter = 1; filled < length; counter++) {
        // T(i) = HMAC(PRK, T(i-1) | info | i); doFinal resets the MAC but keeps the PRK key.
        mac.update(block);
        mac.update(effectiveInfo);
        mac.update((byte) counter);
        byte[] next = mac.doFinal();
        Arrays.fill(block, (byte) 0);
        block = next;
        int n = Math.min(HASH_LENGTH, length - filled);
        System.arraycopy(block, 0, okm, filled, n);
        filled += n;
      }
      return okm;
    } finally {
      // Intermediate values are as sensitive as the output.
      Arrays.fill(prk, (byte) 0);
      Arrays.fill(block, (byte) 0);
    }
  }
}
