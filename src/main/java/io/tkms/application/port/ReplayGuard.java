package io.tkms.application.port;

import io.vertx.core.Future;

/** Remembers (SecretId, Timestamp, Nonce) triples until they expire. Non-blocking. */
public interface ReplayGuard {
  /**
   * Records the triple; {@code true} when it was not seen before.
   *
   * @param expiresAtEpochSecond when the triple may be forgotten (Timestamp + window)
   */
  Future<Boolean> firstSeen(
      String secretId, long timestamp, String nonce, long expiresAtEpochSecond);
}
