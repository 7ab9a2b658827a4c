package io.tkms.adapter.audit;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import io.tkms.application.port.AuditSink;
import java.util.Iterator;
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

  /** The audit logger's only appender when it is a batching one (what {@link #offer} needs). */
  private volatile BatchingAuditAppender queue;

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

  /**
   * Queues the event only if the audit logger's appender has room now. When the logging
   * configuration gives the audit logger something other than one {@link BatchingAuditAppender},
   * there is no queue to ask, and the event is logged as by {@link #record}.
   */
  @Override
  public boolean offer(AuditEvent e) {
    BatchingAuditAppender appender = appender();
    if (appender == null) {
      record(e);
      return true;
    }
    if (!AUDIT.isInfoEnabled()) {
      return true;
    }
    try {
      return appender.offer(AuditLine.format(e));
    } catch (RuntimeException ex) {
      failed.increment();
      LOG.warn("audit event dropped: {}", ex.getClass().getSimpleName());
      return true;
    }
  }

  @Override
  public void abandon(AuditEvent e) {
    BatchingAuditAppender appender = appender();
    if (appender != null) {
      appender.countDrop();
    } else {
      failed.increment();
    }
  }

  private BatchingAuditAppender appender() {
    BatchingAuditAppender a = queue;
    if (a != null && a.isStarted()) {
      return a;
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return null;
    }
    Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it =
        context.getLogger(LOGGER).iteratorForAppenders();
    if (it.hasNext() && it.next() instanceof BatchingAuditAppender only && !it.hasNext()) {
      queue = only;
      return only;
    }
    return null;
  }

  /** Events this sink failed to write plus those the asynchronous appender discarded. */
  @Override
  public long dropped() {
    return failed.sum() + BatchingAuditAppender.dropped();
  }
}
