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
 * BatchingAuditAppender}); when it is that logger's only appender, lines go straight into its queue
 * (no Logback event per request), otherwise through the logger. A failure to format or write drops
 * the event rather than the request.
 */
public final class LogAuditSink implements AuditSink {
  /** The logger name operators route to their audit store. */
  public static final String LOGGER = "kms.audit";

  private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
  private static final Logger LOG = LoggerFactory.getLogger(LogAuditSink.class);
  private final LongAdder failed = new LongAdder();

  /**
   * The audit logger's only appender when it is a batching one ({@link #offer} needs it, and {@link
   * #record} hands lines to it without a Logback event), {@link #NONE} when it is not.
   */
  private volatile Object queue;

  private static final Object NONE = new Object();

  @Override
  public void record(AuditEvent e) {
    try {
      if (!AUDIT.isInfoEnabled()) {
        return;
      }
      String line = AuditLine.format(e);
      BatchingAuditAppender appender = appender();
      if (appender == null) {
        AUDIT.info(line);
      } else if (!appender.offer(line)) {
        // What the appender itself does with a Logback event, without building one per request.
        appender.countDrop();
      }
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

  /**
   * The batching appender, found once per sink (a reconfigured context stops it, and it is looked
   * up again); {@code null} when the audit logger has any other appenders.
   */
  private BatchingAuditAppender appender() {
    Object q = queue;
    if (q instanceof BatchingAuditAppender a && a.isStarted()) {
      return a;
    }
    if (q == NONE) {
      return null;
    }
    BatchingAuditAppender found = null;
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it =
          context.getLogger(LOGGER).iteratorForAppenders();
      if (it.hasNext() && it.next() instanceof BatchingAuditAppender only && !it.hasNext()) {
        found = only.isStarted() ? only : null;
      }
    }
    queue = found == null ? NONE : found;
    return found;
  }

  /** Events this sink failed to write plus those the asynchronous appender discarded. */
  @Override
  public long dropped() {
    return failed.sum() + BatchingAuditAppender.dropped();
  }
}
