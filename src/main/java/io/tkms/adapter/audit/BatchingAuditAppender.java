package io.tkms.adapter.audit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The audit log's appender: each event's message, one line each, to standard output, written in
 * batches by one writer thread that wakes every {@code flushMillis} (default 10) and writes all
 * queued lines with one write call. A request thread only formats the message and offers it to a
 * bounded queue: it never waits, never wakes another thread and never makes a system call (a
 * hand-off per event, as Logback's {@code AsyncAppender} does, cost a thread wake-up and a write
 * per request: see docs/performance.md). When the queue ({@code queueSize}, default 65,536) is full
 * the event is dropped and counted ({@link #dropped()}, reported as {@code
 * kms_audit_dropped_total}). Stopping the appender (Logback does at shutdown) writes what is
 * queued. Lines reach the output at most {@code flushMillis} after the request; a crash loses at
 * most the lines of that window. The writer links the lines into a hash chain ({@link AuditChain}):
 * each carries {@code chain}, {@code seq} and {@code prev}, and the first line after drops carries
 * {@code dropped} (how many).
 */
public final class BatchingAuditAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private static final LongAdder DROPPED = new LongAdder();
  private static final int BATCH = 4096;

  private int queueSize = 65_536;
  private int flushMillis = 10;
  private final LongAdder droppedHere = new LongAdder();
  private ArrayBlockingQueue<String> queue;
  private Thread writer;
  private volatile boolean stopping;

  /**
   * Events offered to a full queue since the process started (process-wide: Logback creates it).
   */
  public static long dropped() {
    return DROPPED.sum();
  }

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setFlushMillis(int flushMillis) {
    this.flushMillis = flushMillis;
  }

  @Override
  public void start() {
    if (queueSize < 1 || flushMillis < 1) {
      addError("queueSize and flushMillis must be positive");
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    stopping = false;
    writer = new Thread(this::run, "kms-audit-writer-" + getName());
    writer.setDaemon(true);
    writer.start();
    super.start();
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    stopping = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (!offer(event.getFormattedMessage())) {
      countDrop();
    }
  }

  /**
   * Queues {@code line} if there is room; {@code false} (nothing counted) when the queue is full.
   */
  boolean offer(String line) {
    return isStarted() && queue.offer(line);
  }

  /** Counts one event that was not queued: in the metric and in the next line's {@code dropped}. */
  void countDrop() {
    DROPPED.increment();
    droppedHere.increment();
  }

  private void run() {
    List<String> batch = new ArrayList<>(BATCH);
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    AuditChain chain = new AuditChain();
    long droppedSeen = 0;
    long pause = TimeUnit.MILLISECONDS.toNanos(flushMillis);
    while (true) {
      boolean last = stopping;
      while (queue.drainTo(batch, BATCH) > 0) {
        for (String line : batch) {
          long dropped = droppedHere.sum();
          chain.link(line, dropped - droppedSeen, out);
          droppedSeen = dropped;
          out.write('\n');
        }
        batch.clear();
        if (out.size() >= 1 << 16) {
          write(out);
        }
      }
      write(out);
      if (last) {
        return;
      }
      LockSupport.parkNanos(pause);
    }
  }

  private void write(ByteArrayOutputStream out) {
    if (out.size() == 0) {
      return;
    }
    try {
      // System.out as it is now (tests may replace it); one call, under PrintStream's lock, so the
      // batch does not interleave with the console log's lines.
      PrintStream stdout = System.out;
      synchronized (stdout) {
        out.writeTo(stdout);
        stdout.flush();
      }
    } catch (java.io.IOException | RuntimeException e) {
      addError("audit lines lost: " + e.getClass().getSimpleName());
    } finally {
      out.reset();
    }
  }
}
