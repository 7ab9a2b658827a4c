package io.tkms.adapter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.it.TestRedis;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * At start a replica waits (up to {@link RedisBackend#START_WAIT}) for Redis's first answer, so a
 * Redis that comes up a moment later decides the first requests instead of the failure mode.
 */
class RedisStartIT {
  @Test
  void redisAppearingAfterTheStartBegan_isWaitedFor_andDecidesFromTheFirstRequest()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestRedis.OwnRedis redis = TestRedis.own()) {
      redis.kill();
      CompletableFuture<Void> later =
          CompletableFuture.runAsync(
              redis::start, CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS));
      long t0 = System.nanoTime();
      RedisBackend b =
          RedisBackend.start(
              vertx, new RedisBackend.Settings(redis.url(), null, 1000, TestRedis.uniquePrefix()));
      try {
        long millis = (System.nanoTime() - t0) / 1_000_000;
        later.get(10, TimeUnit.SECONDS);
        assertThat(millis).as("waited for Redis, within the start wait").isBetween(1_000L, 10_000L);
        assertThat(b.stats().connected()).isTrue();
        assertThat(b.stats().breaker()).isEqualTo("CLOSED");
        assertThat(
                new RedisRateLimiter(b, RedisRateLimiter.FailureMode.FAIL_CLOSED, 5, 5)
                    .tryAcquire("1250000001", io.tkms.application.port.RateLimiter.Group.CRYPTO)
                    .await())
            .as("the first decision is Redis's (fail-closed would refuse)")
            .isTrue();
        assertThat(b.stats().limiterFallbacks()).isZero();
      } finally {
        b.close();
      }
    } finally {
      vertx.close().await();
    }
  }
}
