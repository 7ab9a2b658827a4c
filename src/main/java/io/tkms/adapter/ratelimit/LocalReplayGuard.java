package io.tkms.adapter.ratelimit;

import io.tkms.application.Caches;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.tkms.application.port.ReplayGuard;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * In-process {@link ReplayGuard}: each (SecretId, Timestamp, Nonce) is remembered until
 * Timestamp + window. Bounded in size; the bound and the window together cap memory (see
 * docs/adr/0002-replay-protection.md).
 */
public final class LocalReplayGuard implements ReplayGuard {
  private final Cache<String, Long> seen;

  public LocalReplayGuard(Clock clock, long maxEntries) {
    this.seen =
        Caches.onCallingThread()
            .maximumSize(maxEntries)
            .ticker(Ticker.systemTicker())
            .expireAfter(
                new Expiry<String, Long>() {
                  @Override
                  public long expireAfterCreate(String key, Long expiresAt, long now) {
                    long ms = Math.max(1, expiresAt * 1000 - clock.millis());
                    return TimeUnit.MILLISECONDS.toNanos(ms);
                  }

                  @Override
                  public long expireAfterUpdate(String key, Long v, long now, long current) {
                    return current;
                  }

                  @Override
                  public long expireAfterRead(String key, Long v, long now, long current) {
                    return current;
                  }
                })
            .build();
  }

  @Override
  public Future<Boolean> firstSeen(String secretId, long timestamp, String nonce, long expiresAtEpochSecond) {
    String key = secretId + '\n' + timestamp + '\n' + nonce;
    return Future.succeededFuture(seen.asMap().putIfAbsent(key, expiresAtEpochSecond) == null);
  }

  /** Entries currently remembered (for tests and metrics). */
  public long size() {
    seen.cleanUp();
    return seen.estimatedSize();
  }
}
