package io.tkms.adapter.ratelimit;

import io.tkms.application.Caches;
import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.Bucket;
import io.tkms.application.port.RateLimiter;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * In-process {@link RateLimiter}: one Bucket4j bucket per (AppId, group), capacity one second's
 * worth of the limit, refilled greedily. Buckets of idle accounts are dropped after a while (a
 * dropped bucket comes back full, which is what an idle account's bucket would be anyway).
 */
public final class LocalRateLimiter implements RateLimiter, GroupDefaults {
  private static final Future<Boolean> YES = Future.succeededFuture(true);
  private static final Future<Boolean> NO = Future.succeededFuture(false);

  private final Cache<String, Bucket> buckets =
      Caches.onCallingThread().maximumSize(1_000_000).expireAfterAccess(Duration.ofMinutes(10)).build();
  private final long cryptoQps;
  private final long managementQps;

  public LocalRateLimiter(long cryptoQps, long managementQps) {
    this.cryptoQps = cryptoQps;
    this.managementQps = managementQps;
  }

  @Override
  public Future<Boolean> tryAcquire(String appId, Group group) {
    return tryAcquire(appId, group.name(), group == Group.CRYPTO ? cryptoQps : managementQps);
  }

  @Override
  public Future<Boolean> tryAcquire(String appId, String scope, long qps) {
    Bucket b = buckets.get(scope + '/' + appId + '/' + qps, k -> perSecond(qps));
    return b.tryConsume(1) ? YES : NO;
  }

  static Bucket perSecond(long qps) {
    return Bucket.builder().addLimit(limit -> limit.capacity(qps).refillGreedy(qps, Duration.ofSeconds(1))).build();
  }
}
