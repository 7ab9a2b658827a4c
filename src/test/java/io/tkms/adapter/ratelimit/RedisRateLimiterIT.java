package io.tkms.adapter.ratelimit;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.ratelimit.RedisRateLimiter.FailureMode;
import io.tkms.application.port.RateLimiter;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.it.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis limiter against the {@link RateLimiterContract}, plus what only a shared store can do.
 */
class RedisRateLimiterIT extends RateLimiterContract {
  private final List<RedisFixture> fixtures = new ArrayList<>();

  private RedisFixture fixture() {
    RedisFixture f = new RedisFixture(TestRedis.url());
    fixtures.add(f);
    return f;
  }

  @AfterEach
  void cleanUp() {
    fixtures.forEach(RedisFixture::close);
  }

  @Override
  protected RateLimiter limiter(long cryptoQps, long managementQps) {
    return new RedisRateLimiter(
            fixture().backend(), FailureMode.FAIL_CLOSED, cryptoQps, managementQps, clock)
        .warmUp();
  }

  @Test
  void twoReplicas_shareOneBudget() {
    RedisFixture f = fixture();
    RateLimiter a =
        new RedisRateLimiter(f.backend(), FailureMode.FAIL_CLOSED, 4, 100, clock).warmUp();
    RateLimiter b =
        new RedisRateLimiter(f.backend(), FailureMode.FAIL_CLOSED, 4, 100, clock).warmUp();
    int n = 0;
    for (int i = 0; i < 4; i++) {
      n += acquire(a, "1250000001", Group.CRYPTO) ? 1 : 0;
      n += acquire(b, "1250000001", Group.CRYPTO) ? 1 : 0;
    }
    assertThat(n).isEqualTo(4);
    assertThat(((GroupDefaults) a).tryAcquire("1250000001", Group.CRYPTO).await()).isFalse();
    assertThat(((GroupDefaults) b).tryAcquire("1250000001", Group.CRYPTO).await()).isFalse();
  }

  @Test
  void decision_continuesOnTheCallersContext() {
    RateLimiter l = limiter(10, 10);
    Vertx vertx = Vertx.vertx();
    try {
      Context ctx = vertx.getOrCreateContext();
      Promise<Boolean> sameContext = Promise.promise();
      ctx.runOnContext(
          v ->
              ((GroupDefaults) l)
                  .tryAcquire("1250000001", Group.CRYPTO)
                  .onComplete(
                      ar ->
                          sameContext.complete(
                              ar.succeeded() && ar.result() && Vertx.currentContext() == ctx)));
      assertThat(sameContext.future().await()).isTrue();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void heartbeats_countTheLiveReplicas() {
    RedisFixture f = fixture();
    RedisBackend a = f.backend();
    RedisBackend b = f.backend();
    RedisBackend c = f.backend();
    // Heartbeats are read on the backend's own schedule (real time): wait for the count, bounded.
    eventually(Duration.ofSeconds(5), () -> assertThat(a.liveReplicas()).isEqualTo(3));
    c.close();
    b.close();
    eventually(
        Duration.ofSeconds(5),
        () -> assertThat(a.liveReplicas()).as("a replica leaving says so").isEqualTo(1));
  }
}
