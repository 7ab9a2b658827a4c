package io.tkms.application.port;

import io.vertx.core.Future;

/**
 * Remembers, for its timestamp window, what each accepted TC3 signature ran as: the official SDKs
 * sign neither {@code X-TC-Action} nor {@code X-TC-Region}, so without this a captured request
 * would run again as another action or in another region. The first use of a signature wins; an
 * identical repeat is allowed (TC3 has no nonce, and clients send identical requests). Entries are
 * never evicted before their window ends. Non-blocking.
 */
public interface SignatureBindings {
  /**
   * Binds {@code signature} to {@code binding} unless it is bound already.
   *
   * @param binding what the request runs as (action, region, version)
   * @param expiresAtEpochSecond when the binding may be forgotten (Timestamp + window)
   * @return true when this is the signature's first use or it is bound to the same {@code binding};
   *     false when it ran as something else; failed with INTERNAL_ERROR when the store is full
   */
  Future<Boolean> bind(String signature, String binding, long expiresAtEpochSecond);

  /** Requests refused because the store was full (a metric); any thread. */
  default long refusedFull() {
    return 0;
  }
}
