package io.tkms.adapter.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.tkms.application.Caches;
import io.tkms.application.port.SourceLimiter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * In-process {@link SourceLimiter}: a Bucket4j bucket of failures per source: an IPv4 address, or
 * an IPv6 /64 (one host is usually given a whole /64, so per address it could rotate through 2^64
 * budgets).
 */
public final class LocalSourceLimiter implements SourceLimiter {
  private final Cache<String, Bucket> buckets =
      Caches.onCallingThread()
          .maximumSize(100_000)
          .expireAfterAccess(Duration.ofMinutes(5))
          .build();
  private final long perSecond;
  private final TimeMeter clock;

  public LocalSourceLimiter(long failuresPerSecond) {
    this(failuresPerSecond, TimeMeter.SYSTEM_MILLISECONDS);
  }

  LocalSourceLimiter(long failuresPerSecond, TimeMeter clock) {
    this.perSecond = failuresPerSecond;
    this.clock = clock;
  }

  @Override
  public boolean isBlocked(String source) {
    Bucket b = buckets.getIfPresent(key(source));
    return b != null && b.getAvailableTokens() <= 0;
  }

  @Override
  public void recordFailure(String source) {
    buckets.get(key(source), k -> LocalRateLimiter.perSecond(perSecond, clock)).tryConsume(1);
  }

  /**
   * The budget {@code source} spends from: an IPv6 address's /64 prefix ({@code 2001:db8:0:1::/64}
   * written as its first 8 bytes in hex), any other source as given (IPv4, IPv4-mapped IPv6 as
   * IPv4, "unknown"). An IPv6 literal is parsed without any name look-up.
   */
  static String key(String source) {
    if (source == null || source.indexOf(':') < 0) {
      return source;
    }
    try {
      // A string with ':' is read as an IPv6 literal: no DNS query is made.
      InetAddress a = InetAddress.getByName(source);
      if (a instanceof Inet6Address) {
        byte[] b = a.getAddress();
        return HexFormat.of().formatHex(b, 0, 8) + "::/64";
      }
      return a.getHostAddress();
    } catch (UnknownHostException notAnAddress) {
      return source;
    }
  }
}
