package io.tkms.adapter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.ratelimit.RedisRateLimiter.FailureMode;
import io.tkms.application.port.RateLimiter;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.application.port.ReplayGuard;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With no Redis to be had, every failure mode decides at once and nonces fall back to the local
 * cache.
 */
class RedisUnreachableTest {
  static Vertx vertx;
  static RedisBackend backend;
  static RedisBackend refusing;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    vertx = Vertx.vertx();
    backend =
        RedisBackend.start(
            vertx,
            new RedisBackend.Settings(
                "redis://127.0.0.1:" + port,
                null,
                50,
                "t:",
                false,
                RedisReplayGuard.FailureMode.LOCAL,
                Duration.ofMillis(500)));
    refusing =
        RedisBackend.start(
            vertx,
            new RedisBackend.Settings(
                "redis://127.0.0.1:" + port,
                null,
                50,
                "t:",
                false,
                RedisReplayGuard.FailureMode.REFUSE,
                Duration.ofMillis(500)));
  }

  @AfterAll
  static void stop() {
    backend.close();
    refusing.close();
    vertx.close().await();
  }

  static int admitted(RateLimiter l, int calls) {
    int n = 0;
    for (int i = 0; i < calls; i++) {
      n += ((GroupDefaults) l).tryAcquire("1250000001", Group.CRYPTO).await() ? 1 : 0;
    }
    return n;
  }

  @Test
  void failOpen_admitsEverything() {
    assertThat(admitted(new RedisRateLimiter(backend, FailureMode.FAIL_OPEN, 5, 5), 20))
        .isEqualTo(20);
  }

  @Test
  void failClosed_throttlesEverything() {
    assertThat(admitted(new RedisRateLimiter(backend, FailureMode.FAIL_CLOSED, 5, 5), 20)).isZero();
  }

  @Test
  void localShare_withNoReplicaCountYet_enforcesTheWholeLimitHere() {
    long before = backend.stats().limiterFallbacks();
    long start = System.nanoTime();
    // A clock that stands still: the local share cannot refill while the calls run.
    int n =
        admitted(
            new RedisRateLimiter(backend, FailureMode.LOCAL_SHARE, 5, 5, new ManualTimeMeter()),
            100);
    // The promise is at most KMS_REDIS_TIMEOUT_MS (50 here) per decision; with no connection a call
    // must not wait at all. 100 calls that each waited out the timeout would take 5 s: half of that
    // catches it, with a wide margin for a busy machine.
    assertThat((System.nanoTime() - start) / 1_000_000)
        .as("no call waited on Redis")
        .isLessThan(2_500);
    assertThat(n).isEqualTo(5);
    assertThat(backend.stats().limiterFallbacks() - before).isEqualTo(100);
  }

  @Test
  void nonces_fallBackToTheLocalCache_andAreCounted() {
    ReplayGuard g =
        new RedisReplayGuard(
            backend, new LocalReplayGuard(Clock.systemUTC(), 1000), Clock.systemUTC());
    long before = backend.stats().nonceFallbacks();
    long beforeLocal = backend.stats().replayLocalDecisions();
    long ts = Clock.systemUTC().instant().getEpochSecond();
    assertThat(g.firstSeen("1250000000", "AKIDx", ts, "1", ts + 300).await()).isTrue();
    assertThat(g.firstSeen("1250000000", "AKIDx", ts, "1", ts + 300).await()).isFalse();
    assertThat(backend.stats().nonceFallbacks() - before).isEqualTo(1);
    assertThat(backend.stats().replayLocalDecisions() - beforeLocal)
        .as("the pass decided by this replica alone is counted")
        .isEqualTo(1);
    assertThat(backend.stats().connected()).isFalse();
  }

  @Test
  void refuseMode_failsNewNoncesWithInternalError_andStillRefusesReplaysAsReplays() {
    ReplayGuard g =
        new RedisReplayGuard(
            refusing, new LocalReplayGuard(Clock.systemUTC(), 1000), Clock.systemUTC());
    long ts = Clock.systemUTC().instant().getEpochSecond();
    Future<Boolean> first = g.firstSeen("1250000000", "AKIDx", ts, "1", ts + 300);
    assertThat(first.failed()).isTrue();
    assertThat(first.cause()).isInstanceOf(KmsException.class);
    assertThat(((KmsException) first.cause()).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(((KmsException) first.cause()).internalDetail())
        .as("not logged per request: the backend reports the outage")
        .isNull();
    assertThat(g.firstSeen("1250000000", "AKIDx", ts, "1", ts + 300).await())
        .as("seen here before: refused as a replay without asking Redis")
        .isFalse();
    assertThat(refusing.stats().nonceFallbacks()).isEqualTo(1);
    assertThat(refusing.stats().replayLocalDecisions()).isZero();
  }

  @Test
  void start_waitsAtMostItsStartWait_whenNothingAnswers() {
    long t0 = System.nanoTime();
    RedisBackend b =
        RedisBackend.start(
            vertx,
            new RedisBackend.Settings(
                "redis://127.0.0.1:1",
                null,
                50,
                "t:",
                false,
                RedisReplayGuard.FailureMode.LOCAL,
                Duration.ofMillis(700)));
    try {
      long millis = (System.nanoTime() - t0) / 1_000_000;
      // At least the wait (it retried), and not much more (a busy machine: a wide upper margin).
      assertThat(millis).isBetween(600L, 5_000L);
      assertThat(b.stats().connected()).isFalse();
    } finally {
      b.close();
    }
  }
}
