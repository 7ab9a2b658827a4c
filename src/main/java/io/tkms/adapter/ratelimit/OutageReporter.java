package io.tkms.adapter.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells operators about Redis trouble without flooding the log: the breaker opening is a warning at
 * most once per quiet period (with how often it opened), recovery is told once after each warning,
 * and once per quiet period a warning counts the decisions made without Redis that no warning has
 * told about yet. Safe from any thread.
 */
final class OutageReporter implements CircuitBreaker.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
  static final Duration QUIET = Duration.ofSeconds(10);

  private final String where;
  private final String nonces;
  private final LongSupplier limiterFallbacks;
  private final LongSupplier nonceFallbacks;
  private final AtomicBoolean openReported = new AtomicBoolean();
  private final AtomicLong openingsSinceReport = new AtomicLong();
  private final AtomicLong lastOpenReport = new AtomicLong(System.nanoTime() - QUIET.toNanos());
  private long lastSummary = System.nanoTime();
  private long summarizedLimits;
  private long summarizedNonces;

  /**
   * @param refuseNonces whether nonce checks Redis cannot confirm are refused ({@code refuse}) or
   *     decided by this replica's cache ({@code local})
   */
  OutageReporter(
      String where,
      boolean refuseNonces,
      LongSupplier limiterFallbacks,
      LongSupplier nonceFallbacks) {
    this.where = where;
    this.nonces =
        refuseNonces
            ? "requests carrying a nonce are answered InternalError (replay failure mode refuse)"
            : "nonces are checked by this replica only (a request replayed to another replica is"
                + " not caught)";
    this.limiterFallbacks = limiterFallbacks;
    this.nonceFallbacks = nonceFallbacks;
  }

  @Override
  public void opened() {
    long now = System.nanoTime();
    long last = lastOpenReport.get();
    long n = openingsSinceReport.incrementAndGet();
    if (now - last >= QUIET.toNanos() && lastOpenReport.compareAndSet(last, now)) {
      openingsSinceReport.set(0);
      openReported.set(true);
      LOG.warn(
          "Redis at {} is unreachable or slow (breaker opened {} time(s) in the last {} s): account limits"
              + " follow the failure mode and {} until it answers again",
          where,
          n,
          QUIET.toSeconds(),
          nonces);
    }
  }

  @Override
  public void closed() {
    if (openReported.compareAndSet(true, false)) {
      LOG.info(
          "Redis at {} answers again: account limits and replay protection are cluster-wide again",
          where);
    }
  }

  /** Call periodically from one thread (the heartbeat timer). */
  synchronized void summarize() {
    long now = System.nanoTime();
    if (now - lastSummary < QUIET.toNanos()) {
      return;
    }
    lastSummary = now;
    long limits = limiterFallbacks.getAsLong() - summarizedLimits;
    long nonceCount = nonceFallbacks.getAsLong() - summarizedNonces;
    summarizedLimits += limits;
    summarizedNonces += nonceCount;
    if ((limits > 0 || nonceCount > 0) && now - lastOpenReport.get() >= QUIET.toNanos()) {
      LOG.warn(
          "Redis at {}: {} account-limit decision(s) and {} nonce check(s) were made without it in the last {} s"
              + " (limits by the failure mode; {})",
          where,
          limits,
          nonceCount,
          QUIET.toSeconds(),
          this.nonces);
    }
  }
}
