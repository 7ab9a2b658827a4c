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

/**
 * The in-process replay cache against the {@link ReplayGuardContract}, plus its own bound and
 * expiry.
 */
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

  /**
   * Replaces the contract's real-time version: here a triple outlives its expiry second by the
   * grace period, and once forgotten it is refused, never admitted unchecked.
   */
  @Override
  @Test
  void triple_isForgottenAfterItsExpiry() {
    HandClock clock = new HandClock();
    LocalReplayGuard g = new LocalReplayGuard(clock, 10_000);
    long now = clock.millis() / 1000;
    long expiry = now + 300;
    assertThat(first(g, "AKIDx", now, "n", expiry)).isTrue();
    clock.millis.addAndGet(300_000); // the expiry second: the window still admits the timestamp
    assertThat(first(g, "AKIDx", now, "n", expiry)).isFalse();
    // A request admitted in the expiry second may reach the guard a little later: still refused.
    clock.millis.addAndGet(LocalReplayGuard.GRACE_SECONDS * 1000 + 999);
    assertThat(first(g, "AKIDx", now, "n", expiry)).isFalse();
    assertThat(g.size()).isEqualTo(1);
    clock.millis.addAndGet(1); // past the grace period: the second is dropped
    assertThat(g.size()).isZero();
    assertThat(first(g, "AKIDx", now, "n", expiry))
        .as("stale: refused, not admitted unchecked")
        .isFalse();
    assertThat(g.size()).isZero();
  }

  @Test
  void aClockSteppingBackDoesNotBringForgottenSecondsBack() {
    HandClock clock = new HandClock();
    LocalReplayGuard g = new LocalReplayGuard(clock, 10_000);
    long now = clock.millis() / 1000;
    assertThat(first(g, "AKIDc", now, "n", now + 300)).isTrue();
    clock.millis.addAndGet(3_600_000); // an hour later: everything dropped
    assertThat(g.size()).isZero();
    clock.millis.addAndGet(-3_600_000); // the clock steps back to where it was
    assertThat(first(g, "AKIDc", now, "n", now + 300)).as("the replay is still refused").isFalse();
    assertThat(first(g, "AKIDc", now + 3_600, "m", now + 3_900))
        .as("current triples still work")
        .isTrue();
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
    assertThat(first(g, "AKIDb", now - 10, "early0", now + 290))
        .as("forgotten past the bound")
        .isTrue();
  }

  @Test
  void anAccountFloodingTheCache_pushesOutOnlyItsOwnTriples() {
    HandClock clock = new HandClock();
    LocalReplayGuard g = new LocalReplayGuard(clock, 1_000);
    long now = clock.millis() / 1000;
    // The victim's triples expire first: under a bound shared by expiry alone they would go first.
    for (int i = 0; i < 10; i++) {
      assertThat(g.firstSeen("victim", "AKIDv", now - 10, "v" + i, now + 290).await()).isTrue();
    }
    for (int s = 0; s < 20; s++) {
      for (int i = 0; i < 100; i++) {
        assertThat(g.firstSeen("flooder", "AKIDf", now, s + "-" + i, now + 300 + s).await())
            .isTrue();
      }
    }
    assertThat(g.size()).isLessThanOrEqualTo(1_000);
    assertThat(g.size("victim")).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      assertThat(g.firstSeen("victim", "AKIDv", now - 10, "v" + i, now + 290).await())
          .as("the victim's triple is still remembered")
          .isFalse();
    }
    // The flooder lost its own earliest seconds, and still refuses its latest triples.
    assertThat(g.firstSeen("flooder", "AKIDf", now, "0-0", now + 300).await()).isTrue();
    assertThat(g.firstSeen("flooder", "AKIDf", now, "19-99", now + 319).await()).isFalse();
  }

  @Test
  void accountsAreForgottenWhenTheirTriplesExpire() {
    HandClock clock = new HandClock();
    LocalReplayGuard g = new LocalReplayGuard(clock, 1_000);
    long now = clock.millis() / 1000;
    assertThat(g.firstSeen("a", "AKIDa", now, "n", now + 300).await()).isTrue();
    assertThat(g.firstSeen("b", "AKIDb", now, "n", now + 10).await()).isTrue();
    clock.millis.addAndGet((10 + LocalReplayGuard.GRACE_SECONDS + 1) * 1000);
    assertThat(g.size("b")).isZero();
    assertThat(g.size("a")).isEqualTo(1);
    assertThat(g.size()).isEqualTo(1);
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
  void theDigestCoversEveryPartOfTheTripleAndDependsOnTheKey() {
    byte[] key = new byte[32];
    long base = LocalReplayGuard.digest(key, "AKIDa", 1, "n");
    assertThat(LocalReplayGuard.digest(key, "AKIDa", 1, "n")).isEqualTo(base);
    assertThat(LocalReplayGuard.digest(key, "AKIDb", 1, "n")).isNotEqualTo(base);
    assertThat(LocalReplayGuard.digest(key, "AKIDa", 2, "n")).isNotEqualTo(base);
    assertThat(LocalReplayGuard.digest(key, "AKIDa", 1, "m")).isNotEqualTo(base);
    // Length prefixes keep shifted boundaries apart.
    assertThat(LocalReplayGuard.digest(key, "AKIDa1", 1, "n"))
        .isNotEqualTo(LocalReplayGuard.digest(key, "AKIDa", 11, "n"));
    assertThat(LocalReplayGuard.digest(key, "a,1,1:n", 1, "n"))
        .isNotEqualTo(LocalReplayGuard.digest(key, "a", 1, "n,1,1:n"));
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(LocalReplayGuard.digest(other, "AKIDa", 1, "n")).isNotEqualTo(base);
  }
}
