package io.tkms.adapter.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Failed authentications are budgeted per IPv4 address and per IPv6 /64. */
class LocalSourceLimiterTest {
  private final ManualTimeMeter clock = new ManualTimeMeter();
  private final LocalSourceLimiter limiter = new LocalSourceLimiter(2, clock);

  @Test
  void ipv4AddressesHaveABudgetEach() {
    limiter.recordFailure("192.0.2.1");
    limiter.recordFailure("192.0.2.1");
    assertTrue(limiter.isBlocked("192.0.2.1"));
    assertFalse(limiter.isBlocked("192.0.2.2"));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(limiter.isBlocked("192.0.2.1"), "the budget refills");
  }

  @Test
  void ipv6AddressesOfOneSlash64ShareABudget() {
    limiter.recordFailure("2001:db8:0:7::1");
    limiter.recordFailure("2001:db8:0:7:ffff:ffff:ffff:fffe");
    assertTrue(limiter.isBlocked("2001:db8:0:7::1"));
    assertTrue(limiter.isBlocked("2001:0db8:0000:0007:1234:5678:9abc:def0"), "same /64");
    assertFalse(limiter.isBlocked("2001:db8:0:8::1"), "the next /64");
  }

  @Test
  void keysNameThePrefixOrTheAddress() {
    assertEquals("20010db800000007::/64", LocalSourceLimiter.key("2001:db8:0:7::abcd"));
    assertEquals("192.0.2.9", LocalSourceLimiter.key("::ffff:192.0.2.9"), "IPv4-mapped is IPv4");
    assertEquals("192.0.2.9", LocalSourceLimiter.key("192.0.2.9"));
    assertEquals("unknown", LocalSourceLimiter.key("unknown"));
  }
}
