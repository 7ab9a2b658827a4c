package io.tkms.adapter.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.Bucket;
import io.tkms.application.Caches;
import io.tkms.application.port.SourceLimiter;
import java.time.Duration;

/** In-process {@link SourceLimiter}: a Bucket4j bucket of failures per source address. */
public final class LocalSourceLimiter implements SourceLimiter {
  private final Cache<String, Bucket> buckets =
      Caches.onCallingThread()
          .maximumSize(100_000)
          .expireAfterAccess(Duration.ofMinutes(5))
          .build();
  private final long perSecond;

  public LocalSourceLimiter(long failuresPerSecond) {
    this.perSecond = failuresPerSecond;
  }

  @Override
  public boolean isBlocked(String source) {
    Bucket b = buckets.getIfPresent(source);
    return b != null && b.getAvailableTokens() <= 0;
  }

  @Override
  public void recordFailure(String source) {
    buckets.get(source, k -> LocalRateLimiter.perSecond(perSecond)).tryConsume(1);
  }
}
