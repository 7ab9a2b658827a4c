package io.tkms.adapter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.ratelimit.RedisRateLimiter.FailureMode;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.it.TestRedis;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** KMS_REDIS_PASSWORD reaches Redis's AUTH; a wrong one leaves the replica in the failure mode. */
class RedisAuthIT {
  @Test
  void password_authenticates_andAWrongOneIsRefusedWithoutStallingAnything() {
    Vertx vertx = Vertx.vertx();
    try (TestRedis.OwnRedis redis = TestRedis.own("--requirepass", "redis-test-password")) {
      RedisBackend good =
          RedisBackend.start(
              vertx,
              new RedisBackend.Settings(
                  redis.url(), "redis-test-password".toCharArray(), 1000, "auth:"));
      RedisBackend bad =
          RedisBackend.start(
              vertx,
              new RedisBackend.Settings(
                  redis.url(),
                  "wrong".toCharArray(),
                  50,
                  "auth:",
                  false,
                  RedisReplayGuard.FailureMode.LOCAL,
                  Duration.ofSeconds(1)));
      try {
        assertThat(good.stats().connected()).isTrue();
        assertThat(
                new RedisRateLimiter(good, FailureMode.FAIL_CLOSED, 1, 1)
                    .tryAcquire("1", Group.CRYPTO)
                    .await())
            .isTrue();
        assertThat(good.stats().limiterFallbacks()).isZero();
        assertThat(bad.stats().connected()).isFalse();
        assertThat(
                new RedisRateLimiter(bad, FailureMode.FAIL_OPEN, 1, 1)
                    .tryAcquire("1", Group.CRYPTO)
                    .await())
            .isTrue();
        assertThat(bad.stats().limiterFallbacks()).isEqualTo(1);
      } finally {
        good.close();
        bad.close();
      }
    } finally {
      vertx.close().await();
    }
  }
}
