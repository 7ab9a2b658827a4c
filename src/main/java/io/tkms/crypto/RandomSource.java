package io.tkms.crypto;

import java.util.function.Consumer;

/**
 * Where salts, nonces, key ids and key material get their randomness.
 *
 * <p>An interface so that tests can replay exact bytes (known-answer vectors); production code uses
 * {@link #secure()}. Implementations used in production must be thread safe and cryptographically
 * strong. Throws no {@code ErrorCode}.
 *
 * <p>It is also a {@code Consumer<byte[]>} so that the domain package (which may not depend on this
 * package) can take one, e.g. {@code KeyId.random(RandomSource.secure())}.
 */
@FunctionalInterface
public interface RandomSource extends Consumer<byte[]> {

  /** Fills {@code out} entirely with random bytes. */
  void nextBytes(byte[] out);

  /** Same as {@link #nextBytes(byte[])}. */
  @Override
  default void accept(byte[] out) {
    nextBytes(out);
  }

  /** The process-wide cryptographically strong source (thread safe). */
  static RandomSource secure() {
    return SecureRandomSource.INSTANCE;
  }
}
