package io.tkms.adapter.ratelimit;

import io.tkms.application.port.RateLimiter.Group;
import io.vertx.core.Future;

/**
 * A limiter built with default per-group limits can take a token at those limits (tests, tools).
 */
public interface GroupDefaults {
  Future<Boolean> tryAcquire(String appId, Group group);
}
