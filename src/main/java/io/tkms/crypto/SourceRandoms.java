package io.tkms.crypto;

import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * {@link SecureRandom} views of a random source, for the engines that take one (key-pair
 * generation, signature nonces, PSS salts, OAEP seeds, SM2 encryption).
 */
public final class SourceRandoms {
  private SourceRandoms() {}

  /**
   * A {@link SecureRandom} whose every byte comes from {@code source} (the HSA's generator). Thread
   * safe when {@code source} is.
   */
  public static SecureRandom of(Consumer<byte[]> source) {
    return Jca.fromSource(source);
  }
}
