package io.tkms.adapter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.port.ReplayGuard;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-process replay cache against the {@link ReplayGuardContract}, plus its own bound and expiry. */
class LocalReplayGuardTest extends ReplayGuardContract {
  @Override
  protected ReplayGuard guard() {
    return new LocalReplayGuard(CLOCK, 10_000);
  }

  /** A clock the test moves by hand. */
  static final class HandClock extends Clock {
    final AtomicLong millis = new AtomicLong(1_790_000_000_000L);

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }

  @Test
  void aTripleIsRememberedThroughItsExpirySecondAndForgottenAfter() {
    HandClock clock = new HandClock();
    LocalReplayGuard g = new LocalReplayGuard(clock, 10_000);
    long now = clock.millis() / 1000;
    assertThat(first(g, "AKIDx", now, "n", now + 300)).isTrue();
    clock.millis.addAndGet(300_000); // now == expiry second: the timestamp is still inside the window
    assertThat(first(g, "AKIDx", now, "n", now + 300)).isFalse();
    clock.millis.addAndGet(999);
    assertThat(first(g, "AKIDx", now, "n", now + 300)).isFalse();
    clock.millis.addAndGet(1); // the next second
    assertThat(g.size()).isZero();
    assertThat(first(g, "AKIDx", now, "n", now + 300)).isTrue();
  }

  @Test
  void pastTheBoundTheEarliestExpiringTriplesAreForgottenFirst() {
    HandClock clock = new HandClock();
    LocalReplayGuard g = new LocalReplayGuard(clock, 1_000);
    long now = clock.millis() / 1000;
    for (int i = 0; i < 1_000; i++) {
      assertThat(first(g, "AKIDb", now - 10, "early" + i, now + 290)).isTrue();
    }
    assertThat(g.size()).isEqualTo(1_000);
    assertThat(first(g, "AKIDb", now, "late", now + 300)).isTrue();
    assertThat(g.size()).isEqualTo(1);
    assertThat(first(g, "AKIDb", now, "late", now + 300)).isFalse();
    assertThat(first(g, "AKIDb", now - 10, "early0", now + 290)).as("forgotten past the bound").isTrue();
  }

  @Test
  void digestSetHoldsWhatWasAddedAndNothingElseAcrossGrowth() {
    LocalReplayGuard.DigestSet set = new LocalReplayGuard.DigestSet();
    Random r = new Random(42);
    Set<Long> added = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      long d = r.nextLong();
      assertThat(set.add(d)).isEqualTo(added.add(d));
    }
    assertThat(set.add(0L)).isTrue();
    assertThat(set.add(0L)).isFalse();
    assertThat(set.size()).isEqualTo(added.size() + 1);
    for (long d : added) {
      assertThat(set.contains(d)).isTrue();
      assertThat(set.add(d)).isFalse();
    }
    assertThat(set.contains(0L)).isTrue();
    Random other = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long d = other.nextLong();
      assertThat(set.contains(d)).isEqualTo(added.contains(d));
    }
  }

  @Test
  void theDigestCoversEveryPartOfTheTriple() {
    long base = LocalReplayGuard.digest("AKIDa", 1, "n");
    assertThat(LocalReplayGuard.digest("AKIDa", 1, "n")).isEqualTo(base);
    assertThat(LocalReplayGuard.digest("AKIDb", 1, "n")).isNotEqualTo(base);
    assertThat(LocalReplayGuard.digest("AKIDa", 2, "n")).isNotEqualTo(base);
    assertThat(LocalReplayGuard.digest("AKIDa", 1, "m")).isNotEqualTo(base);
    // The separators keep shifted boundaries apart.
    assertThat(LocalReplayGuard.digest("AKIDa1", 1, "n")).isNotEqualTo(LocalReplayGuard.digest("AKIDa", 11, "n"));
  }
}
