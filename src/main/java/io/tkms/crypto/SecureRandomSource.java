package io.tkms.crypto;

import java.security.SecureRandom;

/**
 * The one owner of a {@link SecureRandom} in the server; reach it through {@link
 * RandomSource#secure()}.
 *
 * <p>Threading: thread safe. The underlying DRBG is declared thread safe by the JDK, so one shared
 * instance serves every thread. Throws no {@code ErrorCode}.
 */
public final class SecureRandomSource implements RandomSource {
  static final SecureRandomSource INSTANCE = new SecureRandomSource();

  private final SecureRandom random = Jca.newSecureRandom();

  private SecureRandomSource() {}

  @Override
  public void nextBytes(byte[] out) {
    random.nextBytes(out);
  }

  @Override
  public String toString() {
    return "SecureRandomSource[" + random.getAlgorithm() + "]";
  }
}
