package io.tkms.adapter.ratelimit;

import io.tkms.application.port.RateLimiter;

/** The in-process limiter against the {@link RateLimiterContract}. */
class LocalRateLimiterTest extends RateLimiterContract {
  @Override
  protected RateLimiter limiter(long cryptoQps, long managementQps) {
    return new LocalRateLimiter(cryptoQps, managementQps, clock);
  }
}
