package io.tkms.adapter.ratelimit;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.port.ReplayGuard;
import java.time.Clock;
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
 * What every {@link ReplayGuard} adapter must do: a (SecretId, Timestamp, Nonce) triple is first
 * seen exactly once until it expires, and triples differing in any part are independent. Run by
 * {@code LocalReplayGuardTest} (which replaces the expiry test: the in-process guard keeps a triple
 * a few seconds past its expiry and then refuses it) and {@code RedisReplayGuardIT}.
 */
abstract class ReplayGuardContract {
  protected static final Clock CLOCK = Clock.systemUTC();

  /** A guard that has seen nothing yet. */
  protected abstract ReplayGuard guard();

  static long now() {
    return CLOCK.instant().getEpochSecond();
  }

  static boolean first(ReplayGuard g, String secretId, long ts, String nonce, long expiresAt) {
    return g.firstSeen(accountOf(secretId), secretId, ts, nonce, expiresAt).await();
  }

  /** Each SecretId here belongs to an account of its own. */
  static String accountOf(String secretId) {
    return "app-" + secretId;
  }

  @Test
  void triple_isFirstOnce_andRefusedAfter() {
    ReplayGuard g = guard();
    long ts = now();
    assertThat(first(g, "AKIDa", ts, "1", ts + 300)).isTrue();
    assertThat(first(g, "AKIDa", ts, "1", ts + 300)).isFalse();
    assertThat(first(g, "AKIDa", ts, "1", ts + 300)).isFalse();
  }

  @Test
  void triplesDifferingInAnyPart_areIndependent() {
    ReplayGuard g = guard();
    long ts = now();
    assertThat(first(g, "AKIDa", ts, "1", ts + 300)).isTrue();
    assertThat(first(g, "AKIDb", ts, "1", ts + 300)).isTrue();
    assertThat(first(g, "AKIDa", ts - 1, "1", ts + 299)).isTrue();
    assertThat(first(g, "AKIDa", ts, "2", ts + 300)).isTrue();
    assertThat(first(g, "AKIDa", ts, "12", ts + 300)).isTrue();
  }

  /**
   * A store that expires triples by its own real clock (Redis EXAT) needs real time to pass: the
   * expiry tests wait for it with {@code eventually}, bounded by this, never with a fixed sleep.
   */
  static final Duration EXPIRY_WAIT = Duration.ofSeconds(10);

  /**
   * Expiry of the triple {@link #record} makes: two seconds after its timestamp, a second or more
   * ahead.
   */
  static long expiryOf(long ts) {
    return ts + 2;
  }

  /** Records ("AKIDexp", ts, "7") for ts = now, checks it is refused at once, and returns ts. */
  static long record(ReplayGuard g) {
    long ts = now();
    assertThat(first(g, "AKIDexp", ts, "7", expiryOf(ts))).isTrue();
    assertThat(first(g, "AKIDexp", ts, "7", expiryOf(ts))).isFalse();
    return ts;
  }

  @Test
  void triple_isForgottenAfterItsExpiry() {
    ReplayGuard g = guard();
    long ts = record(g);
    eventually(EXPIRY_WAIT, () -> assertThat(first(g, "AKIDexp", ts, "7", expiryOf(ts))).isTrue());
  }

  @Test
  void concurrentUses_exactlyOneIsFirst() throws Exception {
    ReplayGuard g = guard();
    long ts = now();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Boolean>> uses = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        uses.add(
            pool.submit(
                () -> {
                  go.await();
                  return first(g, "AKIDrace", ts, "42", ts + 300);
                }));
      }
      go.countDown();
      int firsts = 0;
      for (Future<Boolean> u : uses) {
        firsts += u.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(firsts).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
