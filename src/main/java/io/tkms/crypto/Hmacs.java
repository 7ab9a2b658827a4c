package io.tkms.crypto;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256, HMAC-SHA1 and SHA-256 one-shots (request signatures, fingerprints, HKDF).
 *
 * <p>Threading: thread safe; every call uses this thread's own JCA engine. Throws no {@code
 * ErrorCode}; a {@code null} argument is a programming error ({@link NullPointerException}).
 * Compare MACs with {@link ConstantTime#equals(byte[], byte[])}, never {@code Arrays.equals}.
 */
public final class Hmacs {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * HMAC pads the key with zeros up to the block size, so an empty key and a one-zero-byte key give
   * the same MAC; {@link SecretKeySpec} refuses empty keys, so use the latter.
   */
  private static final byte[] EMPTY_KEY_EQUIVALENT = new byte[1];

  private Hmacs() {}

  /** HMAC-SHA256 of {@code msg} under {@code key} (any length, including empty). */
  public static byte[] hmacSha256(byte[] key, byte[] msg) {
    return mac(Jca.hmacSha256(), Jca.HMAC_SHA256, key, msg);
  }

  /** HMAC-SHA1 of {@code msg} under {@code key}; only for protocols that mandate it (API 2.0). */
  public static byte[] hmacSha1(byte[] key, byte[] msg) {
    return mac(Jca.hmacSha1(), Jca.HMAC_SHA1, key, msg);
  }

  /** SHA-256 of {@code data}. */
  public static byte[] sha256(byte[] data) {
    return Jca.sha256().digest(data);
  }

  /**
   * SHA-256 of {@code a[aOff, aOff + aLen)} followed by {@code b[bOff, bOff + bLen)}, into the
   * first 32 bytes of {@code out} (no allocation: the audit chain hashes every line with it).
   */
  public static void sha256(
      byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen, byte[] out) {
    MessageDigest md = Jca.sha256();
    md.update(a, aOff, aLen);
    md.update(b, bOff, bLen);
    try {
      md.digest(out, 0, 32);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 refused a 32-byte output", e);
    }
  }

  /** SHA-256 of {@code data} as 64 lower-case hex characters. */
  public static String sha256Hex(byte[] data) {
    return HEX.formatHex(sha256(data));
  }

  /** Initialises {@code mac} with {@code key}, mapping the empty key to its HMAC equivalent. */
  static void init(Mac mac, String algorithm, byte[] key) {
    byte[] effective = key.length == 0 ? EMPTY_KEY_EQUIVALENT : key;
    try {
      mac.init(new SecretKeySpec(effective, algorithm));
    } catch (InvalidKeyException e) {
      // HMAC accepts any non-empty raw key: this means the JDK itself is broken.
      throw new IllegalStateException(algorithm + " rejected a raw key", e);
    }
  }

  private static byte[] mac(Mac mac, String algorithm, byte[] key, byte[] msg) {
    if (key == null || msg == null) {
      throw new NullPointerException("key and msg are required");
    }
    init(mac, algorithm, key);
    return mac.doFinal(msg);
  }
}
