package io.tkms.application.port;

import io.vertx.core.Future;

/**
 * Remembers (SecretId, Timestamp, Nonce) triples until they expire. Non-blocking. A bounded guard
 * bounds each account separately, so one account's traffic cannot push another's triples out.
 */
public interface ReplayGuard {
  /**
   * Records the triple; {@code true} when it was not seen before.
   *
   * @param account the AppId the SecretId belongs to
   * @param expiresAtEpochSecond when the triple may be forgotten (Timestamp + window)
   */
  Future<Boolean> firstSeen(
      String account, String secretId, long timestamp, String nonce, long expiresAtEpochSecond);
}
