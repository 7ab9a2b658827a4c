package io.tkms.adapter.http;

import io.tkms.application.port.AuditSink;
import io.tkms.application.port.AuditSink.AuditEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How an answer and its audit event are ordered ({@code KMS_AUDIT_FAILURE_MODE}), for the API and
 * the management listener alike. By default the answer is written first and the event recorded
 * after it (a full queue drops and counts it). With a blocking audit the answer waits until the
 * event is queued, asking the queue again every {@value #RETRY_MILLIS} ms on the calling event
 * loop's timer (nothing blocks), and after {@code blockMillis} it is given up: the event is counted
 * as dropped and the caller writes a failure instead. Call on an event loop.
 */
public final class AuditHold {
  static final long RETRY_MILLIS = 2;

  private final AuditSink sink;
  private final int blockMillis;

  /**
   * @param blockMillis 0: answers never wait for the audit; else how long they may
   */
  public AuditHold(AuditSink sink, int blockMillis) {
    this.sink = sink;
    this.blockMillis = blockMillis;
  }

  /**
   * Calls {@code write} with {@code true} when the answer may go out (by default at once, then
   * records {@code event}), or with {@code false} when the event could not be queued in time.
   */
  public void answer(AuditEvent event, Consumer<Boolean> write) {
    if (blockMillis == 0) {
      write.accept(true);
      sink.record(event);
    } else {
      await(event, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(blockMillis), write);
    }
  }

  private void await(AuditEvent event, long deadline, Consumer<Boolean> write) {
    if (sink.offer(event)) {
      write.accept(true);
      return;
    }
    Context context = Vertx.currentContext();
    if (context == null || System.nanoTime() - deadline >= 0) {
      sink.abandon(event);
      write.accept(false);
    } else {
      context.owner().setTimer(RETRY_MILLIS, t -> await(event, deadline, write));
    }
  }
}
