package io.tkms.adapter.audit;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's {@link AsyncAppender} that counts the events it discards: with {@code neverBlock}
 * an event offered to a full queue is silently lost, and an audit trail must at least say how
 * many it lost. Configured in {@code logback.xml}; the count is process-wide because Logback, not
 * our wiring, creates the appender.
 */
public final class CountingAsyncAppender extends AsyncAppender {
  private static final LongAdder DROPPED = new LongAdder();

  /** Events offered to a full queue since the process started. */
  public static long dropped() {
    return DROPPED.sum();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // Racy by one event at most: the queue can fill or drain between this check and the offer.
    if (isStarted() && isNeverBlock() && getRemainingCapacity() == 0) {
      DROPPED.increment();
    }
    super.append(event);
  }
}
