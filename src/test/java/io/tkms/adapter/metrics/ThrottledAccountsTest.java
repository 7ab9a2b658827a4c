package io.tkms.adapter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tkms.application.port.RateLimiter.Group;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ThrottledAccountsTest {
  final AtomicLong now = new AtomicLong(1_000_000);

  @Test
  void top_namesTheAccountsRefusedMost_mostFirst_atMostN() {
    ThrottledAccounts t = new ThrottledAccounts(100, now::get);
    for (int i = 1; i <= 12; i++) {
      for (int j = 0; j < i; j++) {
        t.refused("acct-" + i);
      }
    }
    List<ThrottledAccounts.Count> top = t.top(3);
    assertThat(top)
        .containsExactly(
            new ThrottledAccounts.Count("acct-12", 12),
            new ThrottledAccounts.Count("acct-11", 11),
            new ThrottledAccounts.Count("acct-10", 10));
    assertThat(t.top(50)).hasSize(12);
  }

  @Test
  void refusals_countForOneMinute_thenLeaveTheWindow() {
    ThrottledAccounts t = new ThrottledAccounts(100, now::get);
    t.refused("a");
    now.addAndGet(30_000);
    t.refused("a");
    t.refused("b");
    assertThat(t.top(10))
        .containsExactly(new ThrottledAccounts.Count("a", 2), new ThrottledAccounts.Count("b", 1));
    now.addAndGet(35_000); // the first refusal is now more than a minute old
    assertThat(t.top(10))
        .containsExactly(new ThrottledAccounts.Count("a", 1), new ThrottledAccounts.Count("b", 1));
    now.addAndGet(60_000);
    assertThat(t.top(10)).isEmpty();
  }

  @Test
  void aSlotReusedAfterTheWindow_startsFromZero() {
    ThrottledAccounts t = new ThrottledAccounts(100, now::get);
    t.refused("a");
    now.addAndGet(ThrottledAccounts.SLOT_MILLIS * ThrottledAccounts.SLOTS); // same slot index
    t.refused("a");
    assertThat(t.top(10)).containsExactly(new ThrottledAccounts.Count("a", 1));
  }

  @Test
  void accountsBeyondTheCap_areCountedTogether_notByName() {
    ThrottledAccounts t = new ThrottledAccounts(5, now::get);
    IntStream.range(0, 8).forEach(i -> t.refused("acct-" + i));
    t.refused("acct-0"); // tracked accounts keep counting
    assertThat(t.top(100)).hasSize(5);
    assertThat(t.top(1)).containsExactly(new ThrottledAccounts.Count("acct-0", 2));
    assertThat(t.untracked()).isEqualTo(3);
  }

  @Test
  void theGauge_showsTheTopAccounts_andDropsThoseThatLeft() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerRequestMetrics m =
        new MicrometerRequestMetrics(registry, List.of("Encrypt"), now::get);
    for (int i = 0; i < 15; i++) {
      for (int j = 0; j <= i; j++) {
        m.limiter("125000000" + String.format("%02d", i), Group.CRYPTO, false);
      }
    }
    m.limiter("1250000099", Group.CRYPTO, true); // admitted: never named
    m.refreshThrottledAccounts();
    Map<String, Double> shown = gauges(registry);
    assertThat(shown).hasSize(MicrometerRequestMetrics.TOP_THROTTLED_ACCOUNTS);
    assertThat(shown).containsEntry("12500000014", 15.0).doesNotContainKey("1250000099");
    assertThat(shown).doesNotContainKey("12500000000");

    now.addAndGet(61_000);
    m.limiter("1250000077", Group.SIGN, false);
    m.refreshThrottledAccounts();
    assertThat(gauges(registry)).containsExactly(Map.entry("1250000077", 1.0));
  }

  private static Map<String, Double> gauges(SimpleMeterRegistry registry) {
    return registry.find("kms.limiter.throttled.by.account").gauges().stream()
        .collect(Collectors.toMap(g -> g.getId().getTag("account"), Gauge::value));
  }
}
