package io.tkms.adapter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

/** What each signature first ran as, remembered through its window and never forgotten early. */
class LocalSignatureBindingsTest {
  private final LocalReplayGuardTest.HandClock clock = new LocalReplayGuardTest.HandClock();
  private final long now = clock.millis() / 1000;

  private static String sig(int i) {
    return String.format("%064x", 0x1234_5678_9abcL * (i + 1));
  }

  private static boolean ok(Future<Boolean> f) {
    assertThat(f.succeeded()).as("%s", f.cause()).isTrue();
    return f.result();
  }

  @Test
  void afterTheRebindSeconds_theBindingsSoFarRepeat_andNothingElseRuns() {
    LocalSignatureBindings b = new LocalSignatureBindings(clock, 100);
    String describe = "DescribeKey\nap-guangzhou\n2019-01-18";
    String disable = "DisableKey\nap-guangzhou\n2019-01-18";
    assertThat(ok(b.bind(sig(1), describe, now + 300))).isTrue();
    assertThat(ok(b.bind(sig(1), describe, now + 300))).as("identical repeat").isTrue();
    assertThat(ok(b.bind(sig(1), disable, now + 300)))
        .as("another action signed in the same second with the same body")
        .isTrue();
    clock.millis.addAndGet((LocalSignatureBindings.REBIND_SECONDS + 1) * 1000);
    assertThat(ok(b.bind(sig(1), describe, now + 300))).isTrue();
    assertThat(ok(b.bind(sig(1), disable, now + 300))).isTrue();
    assertThat(ok(b.bind(sig(1), "ScheduleKeyDeletion\nap-guangzhou\n2019-01-18", now + 300)))
        .isFalse();
    assertThat(ok(b.bind(sig(1), "DescribeKey\nap-shanghai\n2019-01-18", now + 300))).isFalse();
    assertThat(ok(b.bind(sig(2), disable, now + 300))).as("another signature").isTrue();
    assertThat(b.size()).as("2 signatures, 3 pairs").isEqualTo(5);
  }

  @Test
  void forget_makesAPairUnknownAgain() {
    LocalSignatureBindings b = new LocalSignatureBindings(clock, 100);
    ok(b.bind(sig(1), "A", now + 300));
    b.forget(sig(1), "A", now + 300);
    clock.millis.addAndGet((LocalSignatureBindings.REBIND_SECONDS + 1) * 1000);
    assertThat(ok(b.bind(sig(1), "A", now + 300))).isFalse();
  }

  @Test
  void aFullStore_refusesNewEntries_withInternalError_andCountsThem_butKnowsItsOwn() {
    LocalSignatureBindings b = new LocalSignatureBindings(clock, 4);
    ok(b.bind(sig(1), "A", now + 300));
    ok(b.bind(sig(2), "A", now + 300));
    Future<Boolean> third = b.bind(sig(3), "A", now + 300);
    assertThat(third.failed()).isTrue();
    assertThat(((KmsException) third.cause()).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(b.refusedFull()).isEqualTo(1);
    assertThat(ok(b.bind(sig(1), "A", now + 300))).as("a known pair still repeats").isTrue();
  }

  @Test
  void entriesAreKeptThroughTheirExpirySecond_thenDropped() {
    LocalSignatureBindings b = new LocalSignatureBindings(clock, 10);
    ok(b.bind(sig(1), "A", now + 10));
    clock.millis.addAndGet((10 + LocalReplayGuard.GRACE_SECONDS) * 1000L);
    assertThat(ok(b.bind(sig(1), "B", now + 10))).as("still remembered").isFalse();
    clock.millis.addAndGet(1000L);
    assertThat(b.size()).isZero();
    assertThat(ok(b.bind(sig(1), "A", now + 10)))
        .as("a second no longer remembered is refused, never admitted unchecked")
        .isFalse();
    assertThat(ok(b.bind(sig(2), "A", now + 300))).isTrue();
  }

  @Test
  void signatureBitsAreTheHexPrefix_andNeverZero() {
    assertThat(LocalSignatureBindings.signatureBits("00000000000000ff" + "0".repeat(48)))
        .isEqualTo(0xffL);
    assertThat(LocalSignatureBindings.signatureBits("0".repeat(64))).isNotZero();
    assertThat(LocalSignatureBindings.signatureBits("xyz")).isNotZero();
  }
}
