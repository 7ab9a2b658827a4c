package io.tkms.adapter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.port.RateLimiter;
import io.tkms.application.port.RateLimiter.Group;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RateLimiter} adapter must do: one bucket per (AppId, group), capacity one
 * second's worth of the limit, refilled greedily, rejections as values. Run by {@code
 * LocalRateLimiterTest} and {@code RedisRateLimiterIT}. Time is {@link #clock}, which the adapters'
 * limiters read and only the tests move: refill is driven, never waited for.
 */
abstract class RateLimiterContract {
  /** The clock of the limiters under test; it moves only when a test advances it. */
  protected final ManualTimeMeter clock = new ManualTimeMeter();

  /**
   * A limiter with these per-second limits that has seen no traffic yet, reading {@link #clock}.
   */
  protected abstract RateLimiter limiter(long cryptoQps, long managementQps);

  static boolean acquire(RateLimiter l, String appId, Group g) {
    return ((GroupDefaults) l).tryAcquire(appId, g).await();
  }

  static int admitted(RateLimiter l, String appId, Group g, int calls) {
    int n = 0;
    for (int i = 0; i < calls; i++) {
      n += acquire(l, appId, g) ? 1 : 0;
    }
    return n;
  }

  @Test
  void scopesAndLimits_haveTheirOwnBuckets() {
    RateLimiter l = limiter(100, 100);
    int action = 0;
    int wider = 0;
    for (int i = 0; i < 5; i++) {
      action += l.tryAcquire("1250000009", "action:GenerateDataKey", 2).await() ? 1 : 0;
      wider += l.tryAcquire("1250000009", "action:GenerateDataKey", 4).await() ? 1 : 0;
    }
    assertThat(action).isEqualTo(2);
    assertThat(wider).as("a changed limit starts a fresh bucket").isEqualTo(4);
    assertThat(l.tryAcquire("1250000009", "action:Encrypt", 2).await()).isTrue();
  }

  @Test
  void burst_admitsOneSecondsWorth_thenThrottles() {
    RateLimiter l = limiter(3, 100);
    // The clock stands still: no token refills during the six calls (one would after 333 ms).
    int n = admitted(l, "1250000001", Group.CRYPTO, 6);
    assertThat(n).isEqualTo(3);
  }

  @Test
  void groups_haveSeparateBudgets() {
    RateLimiter l = limiter(2, 3);
    assertThat(admitted(l, "1250000001", Group.CRYPTO, 4)).isEqualTo(2);
    assertThat(admitted(l, "1250000001", Group.MANAGEMENT, 5)).isEqualTo(3);
  }

  @Test
  void accounts_haveSeparateBudgets() {
    RateLimiter l = limiter(2, 100);
    assertThat(admitted(l, "1250000001", Group.CRYPTO, 4)).isEqualTo(2);
    assertThat(admitted(l, "1250000002", Group.CRYPTO, 4)).isEqualTo(2);
  }

  @Test
  void emptyBucket_refillsAtTheLimitRate() {
    RateLimiter l = limiter(10, 100);
    assertThat(admitted(l, "1250000001", Group.CRYPTO, 12)).isEqualTo(10);
    clock.advance(Duration.ofMillis(450));
    // 100 ms per token: four are back, the fifth half refilled.
    int back = admitted(l, "1250000001", Group.CRYPTO, 20);
    assertThat(back).isBetween(3, 7);
    assertThat(back).isEqualTo(4);
  }

  @Test
  void refill_isGreedy_oneTokenAsSoonAsItsShareOfTheSecondHasPassed() {
    RateLimiter l = limiter(10, 100);
    assertThat(admitted(l, "1250000001", Group.CRYPTO, 10)).isEqualTo(10);
    clock.advance(Duration.ofMillis(99));
    assertThat(acquire(l, "1250000001", Group.CRYPTO)).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(acquire(l, "1250000001", Group.CRYPTO)).isTrue();
    assertThat(acquire(l, "1250000001", Group.CRYPTO)).isFalse();
  }

  @Test
  void anIdleBucket_holdsNoMoreThanOneSecondsWorth() {
    RateLimiter l = limiter(5, 100);
    assertThat(admitted(l, "1250000001", Group.CRYPTO, 1)).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(admitted(l, "1250000001", Group.CRYPTO, 20)).isEqualTo(5);
  }

  @Test
  void concurrentCalls_admitTheCapacityAndNoMore() throws Exception {
    RateLimiter l = limiter(1000, 50);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Integer>> parts = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        parts.add(
            pool.submit(
                () -> {
                  go.await();
                  return admitted(l, "1250000001", Group.MANAGEMENT, 25);
                }));
      }
      long start = clock.currentTimeNanos();
      go.countDown();
      int total = 0;
      for (Future<Integer> p : parts) {
        total += p.get(30, TimeUnit.SECONDS);
      }
      // Refill during the calls is whatever the limiter's clock let pass: here none.
      double seconds = (clock.currentTimeNanos() - start) / 1e9;
      assertThat(total).isBetween(50, 50 + (int) Math.ceil(50 * seconds) + 1);
    } finally {
      pool.shutdownNow();
    }
  }
}
