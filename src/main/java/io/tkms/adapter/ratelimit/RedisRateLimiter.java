package io.tkms.adapter.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.tkms.application.Caches;
import io.tkms.application.port.RateLimiter;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster-wide {@link RateLimiter}: one Bucket4j bucket per (AppId, group) stored in Redis,
 * capacity one second's worth of the limit, refilled greedily, so all replicas together admit the
 * limit. One bucket proxy per key is cached, so Bucket4j's batching merges concurrent calls on a
 * hot key into one compare-and-swap. When Redis is unreachable, slow or behind an open breaker, the
 * {@link FailureMode} decides at once. Completes on the caller's context; never blocks.
 */
public final class RedisRateLimiter implements RateLimiter, GroupDefaults {
  private static final Future<Boolean> YES = Future.succeededFuture(true);
  private static final Future<Boolean> NO = Future.succeededFuture(false);

  /** What the limiter does while Redis cannot decide. */
  public enum FailureMode {
    /** Each replica enforces limit ÷ the live replicas last counted. */
    LOCAL_SHARE,
    /** Everything is admitted. */
    FAIL_OPEN,
    /** Everything is throttled. */
    FAIL_CLOSED
  }

  /** The proxy manager of one connection and the bucket proxies made from it. */
  private record Proxies(
      RedisLink connection,
      AsyncProxyManager<String> manager,
      Cache<String, AsyncBucketProxy> byKey) {}

  private final RedisBackend redis;
  private final FailureMode mode;
  private final long cryptoQps;
  private final long managementQps;

  /**
   * The clock bucket refills are computed with; empty: Bucket4j's default (this host's system
   * clock).
   */
  private final Optional<TimeMeter> clock;

  private final Cache<String, Bucket> localShares =
      Caches.onCallingThread()
          .maximumSize(1_000_000)
          .expireAfterAccess(Duration.ofMinutes(10))
          .build();
  private volatile Proxies proxies;

  public RedisRateLimiter(
      RedisBackend redis, FailureMode mode, long cryptoQps, long managementQps) {
    this(redis, mode, cryptoQps, managementQps, Optional.empty());
  }

  /**
   * A limiter whose buckets, shared and local, refill by {@code clock} (tests move it by hand).
   * Every replica sharing the buckets must use the same clock: the refill is computed client-side.
   */
  public RedisRateLimiter(
      RedisBackend redis, FailureMode mode, long cryptoQps, long managementQps, TimeMeter clock) {
    this(redis, mode, cryptoQps, managementQps, Optional.of(clock));
  }

  private RedisRateLimiter(
      RedisBackend redis,
      FailureMode mode,
      long cryptoQps,
      long managementQps,
      Optional<TimeMeter> clock) {
    this.redis = redis;
    this.mode = mode;
    this.cryptoQps = cryptoQps;
    this.managementQps = managementQps;
    this.clock = clock;
  }

  /**
   * Exercises the bucket code against Redis on a throw-away key so the first requests fit in the
   * command timeout. Blocks at most about two seconds: call from boot, never on an event loop.
   */
  public RedisRateLimiter warmUp() {
    RedisLink conn = redis.connection();
    if (conn != null) {
      redis.warmUp(() -> proxy(conn, Group.MANAGEMENT.name(), "warm-up", 1_000_000).tryConsume(1));
    }
    return this;
  }

  @Override
  public Future<Boolean> tryAcquire(String appId, Group group) {
    return tryAcquire(appId, group.name(), group == Group.CRYPTO ? cryptoQps : managementQps);
  }

  @Override
  public Future<Boolean> tryAcquire(String appId, String group, long qps) {
    RedisLink conn = redis.acquire();
    if (conn == null) {
      return fallback(appId, group, qps);
    }
    CompletableFuture<Boolean> consumed;
    try {
      consumed = proxy(conn, group, appId, qps).tryConsume(1);
    } catch (RuntimeException e) {
      consumed = CompletableFuture.failedFuture(e);
    }
    return redis
        .bridge(consumed)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                redis.succeeded();
                if (ar.result() && mode == FailureMode.LOCAL_SHARE) {
                  // Admissions drain the local share too, so falling back never hands out a second,
                  // fresh
                  // budget on top of the shared one (Redis flapping would otherwise admit up to
                  // twice the limit).
                  localShare(appId, group, qps).tryConsume(1);
                }
                return ar.result() ? YES : NO;
              }
              redis.failed(ar.cause());
              return fallback(appId, group, qps);
            });
  }

  private AsyncBucketProxy proxy(RedisLink conn, String group, String appId, long qps) {
    Proxies p = proxies;
    if (p == null || p.connection() != conn) {
      synchronized (this) {
        p = proxies;
        if (p == null || p.connection() != conn) {
          Bucket4jLettuce.LettuceBasedProxyManagerBuilder<String> builder =
              conn.bucketBuilder()
                  .expirationAfterWrite(
                      ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                          Duration.ofSeconds(10)));
          clock.ifPresent(builder::clientClock);
          AsyncProxyManager<String> manager = builder.build().asAsync();
          p =
              new Proxies(
                  conn,
                  manager,
                  Caches.onCallingThread()
                      .maximumSize(1_000_000)
                      .expireAfterAccess(Duration.ofMinutes(10))
                      .build());
          proxies = p;
        }
      }
    }
    AsyncProxyManager<String> manager = p.manager();
    return p.byKey()
        .get(
            redis.key("limit:" + group.toLowerCase(Locale.ROOT) + ":" + appId + ":" + qps),
            k ->
                manager
                    .builder()
                    .withOptimization(Optimizations.batching())
                    .build(k, () -> CompletableFuture.completedFuture(perSecond(qps))));
  }

  private static BucketConfiguration perSecond(long qps) {
    return BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(qps).refillGreedy(qps, Duration.ofSeconds(1)))
        .build();
  }

  private Future<Boolean> fallback(String appId, String group, long qps) {
    redis.countLimiterFallback();
    return switch (mode) {
      case FAIL_OPEN -> YES;
      case FAIL_CLOSED -> NO;
      default -> localShare(appId, group, qps).tryConsume(1) ? YES : NO;
    };
  }

  /**
   * This replica's share of the limit: limit ÷ live replicas (rounded up), as an in-process bucket.
   */
  private Bucket localShare(String appId, String group, long qps) {
    int replicas = redis.liveReplicas();
    long share = Math.max(1, (qps + replicas - 1) / replicas);
    return localShares.get(
        group + '/' + appId + '/' + qps + '/' + share,
        k -> LocalRateLimiter.perSecond(share, clock.orElse(TimeMeter.SYSTEM_MILLISECONDS)));
  }
}
