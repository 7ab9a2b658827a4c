package io.tkms.domain;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Owner of secret bytes (key material, data-key plaintext, credential secrets).
 *
 * <p>{@link #toString()} is redacted; {@link #close()} zeroes the bytes. Access goes through {@link
 * #bytes()} which returns the live array: callers must not keep or leak it. Not thread safe against
 * concurrent {@link #close()}: whoever owns the instance decides when it dies.
 */
public final class SecretBytes implements AutoCloseable {
  private final byte[] value;
  private volatile boolean destroyed;

  private SecretBytes(byte[] value) {
    this.value = value;
  }

  /** Takes ownership of {@code value} (not copied): the caller must drop its reference. */
  public static SecretBytes wrap(byte[] value) {
    return new SecretBytes(value);
  }

  /** Copies {@code value}; the caller still owns (and should zero) its array. */
  public static SecretBytes copyOf(byte[] value) {
    return new SecretBytes(value.clone());
  }

  /** The live bytes. Throws if destroyed. */
  public byte[] bytes() {
    if (destroyed) {
      throw new IllegalStateException("secret destroyed");
    }
    return value;
  }

  public int length() {
    return value.length;
  }

  public boolean isDestroyed() {
    return destroyed;
  }

  /** Constant-time equality of contents. */
  public boolean contentEquals(byte[] other) {
    return MessageDigest.isEqual(value, other);
  }

  @Override
  public void close() {
    destroyed = true;
    Arrays.fill(value, (byte) 0);
  }

  @Override
  public String toString() {
    return "SecretBytes[redacted, " + value.length + " bytes]";
  }
}
