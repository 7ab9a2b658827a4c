package io.tkms.adapter.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.tkms.application.Caches;
import io.tkms.application.port.RateLimiter;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * In-process {@link RateLimiter}: one Bucket4j bucket per (AppId, group), capacity one second's
 * worth of the limit, refilled greedily. Buckets of idle accounts are dropped after a while (a
 * dropped bucket comes back full, which is what an idle account's bucket would be anyway). Refill
 * follows a {@link TimeMeter}: Bucket4j's default (the system clock, milliseconds) unless a test
 * passes one it moves by hand.
 */
public final class LocalRateLimiter implements RateLimiter, GroupDefaults {
  private static final Future<Boolean> YES = Future.succeededFuture(true);
  private static final Future<Boolean> NO = Future.succeededFuture(false);

  private final Cache<String, Bucket> buckets =
      Caches.onCallingThread()
          .maximumSize(1_000_000)
          .expireAfterAccess(Duration.ofMinutes(10))
          .build();
  private final long cryptoQps;
  private final long managementQps;
  private final TimeMeter clock;

  public LocalRateLimiter(long cryptoQps, long managementQps) {
    this(cryptoQps, managementQps, TimeMeter.SYSTEM_MILLISECONDS);
  }

  /** A limiter whose buckets refill by {@code clock}. */
  public LocalRateLimiter(long cryptoQps, long managementQps, TimeMeter clock) {
    this.cryptoQps = cryptoQps;
    this.managementQps = managementQps;
    this.clock = clock;
  }

  @Override
  public Future<Boolean> tryAcquire(String appId, Group group) {
    return tryAcquire(appId, group.name(), group == Group.CRYPTO ? cryptoQps : managementQps);
  }

  @Override
  public Future<Boolean> tryAcquire(String appId, String scope, long qps) {
    Bucket b = buckets.get(scope + '/' + appId + '/' + qps, k -> perSecond(qps, clock));
    return b.tryConsume(1) ? YES : NO;
  }

  /** A bucket of one second's worth of {@code qps}, refilled greedily by the system clock. */
  static Bucket perSecond(long qps) {
    return perSecond(qps, TimeMeter.SYSTEM_MILLISECONDS);
  }

  /** A bucket of one second's worth of {@code qps}, refilled greedily by {@code clock}. */
  static Bucket perSecond(long qps, TimeMeter clock) {
    return Bucket.builder()
        .withCustomTimePrecision(clock)
        .addLimit(limit -> limit.capacity(qps).refillGreedy(qps, Duration.ofSeconds(1)))
        .build();
  }
}
