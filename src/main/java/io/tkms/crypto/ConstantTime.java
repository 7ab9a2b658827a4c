package io.tkms.crypto;

import java.security.MessageDigest;

/**
 * Comparisons whose running time does not depend on where two secrets first differ, so a remote
 * caller cannot learn a MAC or token byte by byte through timing.
 *
 * <p>Threading: stateless, thread safe. Throws no {@code ErrorCode}.
 */
public final class ConstantTime {
  private ConstantTime() {}

  /**
   * True when both arrays have the same length and contents. The length itself is not hidden (it is
   * public for every MAC we compare). Two {@code null}s are equal; one {@code null} is not.
   */
  public static boolean equals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
