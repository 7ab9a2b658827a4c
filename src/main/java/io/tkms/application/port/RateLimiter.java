package io.tkms.application.port;

import io.vertx.core.Future;

/**
 * Per-account QPS throttling. A rejection is a value ({@code false}), not a failure. Completes on
 * the caller's context; never blocks.
 */
public interface RateLimiter {
  /** Action groups with separate budgets. */
  enum Group {
    CRYPTO,
    MANAGEMENT
  }

  Future<Boolean> tryAcquire(String appId, Group group);
}
