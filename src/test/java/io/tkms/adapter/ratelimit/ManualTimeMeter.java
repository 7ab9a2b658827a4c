package io.tkms.adapter.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Bucket4j clock that stands still until the test moves it: refills happen exactly when and as
 * much as a test says. Starts at the current wall-clock time (buckets stored in Redis hold
 * timestamps) and moves only forward.
 */
final class ManualTimeMeter implements TimeMeter {
  private final AtomicLong nanos = new AtomicLong(System.currentTimeMillis() * 1_000_000);

  void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time only moves forward");
    }
    nanos.addAndGet(d.toNanos());
  }

  @Override
  public long currentTimeNanos() {
    return nanos.get();
  }

  @Override
  public boolean isWallClockBased() {
    return true;
  }
}
