package io.tkms.adapter.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts API requests from their arrival until their response ends (or their connection closes), so
 * a graceful stop can wait for them. {@link #track} runs on the event loops: one atomic increment
 * and one small handler per request. {@link #awaitIdle} blocks and is for the shutdown thread only.
 */
public final class InFlightRequests {
  private static final long POLL_MILLIS = 20;
  private final AtomicLong count = new AtomicLong();

  /**
   * Counts {@code req} until its response ends. Takes the response's end and close handlers: no
   * other code may set them on API responses.
   */
  public void track(HttpServerRequest req) {
    count.incrementAndGet();
    Done done = new Done();
    req.response().endHandler(done).closeHandler(done);
  }

  /** Requests currently in flight. */
  public long count() {
    return count.get();
  }

  /**
   * Waits until no request is in flight or {@code timeout} has passed; returns how many are still
   * in flight (0 when idle). Never call on an event loop.
   */
  public long awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long n;
    while ((n = count.get()) > 0 && System.nanoTime() - deadline < 0) {
      try {
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return count.get();
      }
    }
    return n;
  }

  /**
   * Decrements once: Vert.x may call both the end handler and the close handler of a response (a
   * connection closing before the response was written calls both), always on the request's event
   * loop, so a plain field is enough.
   */
  private final class Done implements Handler<Void> {
    private boolean done;

    @Override
    public void handle(Void ignored) {
      if (!done) {
        done = true;
        count.decrementAndGet();
      }
    }
  }
}
