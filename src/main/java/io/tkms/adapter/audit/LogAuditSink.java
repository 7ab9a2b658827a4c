package io.tkms.adapter.audit;

import io.tkms.application.port.AuditSink;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each audit event as one JSON line to the dedicated logger {@code kms.audit}. The logging
 * configuration gives that logger a batching, never-blocking appender ({@link
 * BatchingAuditAppender}); a failure to format or write drops the event rather than the request.
 */
public final class LogAuditSink implements AuditSink {
  /** The logger name operators route to their audit store. */
  public static final String LOGGER = "kms.audit";

  private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
  private static final Logger LOG = LoggerFactory.getLogger(LogAuditSink.class);
  private final LongAdder failed = new LongAdder();

  @Override
  public void record(AuditEvent e) {
    try {
      if (!AUDIT.isInfoEnabled()) {
        return;
      }
      AUDIT.info(AuditLine.format(e));
    } catch (RuntimeException ex) {
      failed.increment();
      LOG.warn("audit event dropped: {}", ex.getClass().getSimpleName());
    }
  }

  /** Events this sink failed to write plus those the asynchronous appender discarded. */
  @Override
  public long dropped() {
    return failed.sum() + BatchingAuditAppender.dropped();
  }
}
