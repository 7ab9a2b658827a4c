package io.tkms.adapter.worker;

import io.tkms.application.port.CryptoExecutor;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link CryptoExecutor} on a named Vert.x worker pool. Unordered ({@code executeBlocking(task,
 * false)}): the default ordered mode would serialise one context's crypto. Bounded: at most {@code
 * queueSize} tasks wait or run at once; one more is refused at once with SERVER_BUSY (counted), so
 * an overloaded or stalled pool answers fast instead of growing an unbounded queue.
 */
public final class WorkerCryptoExecutor implements CryptoExecutor, AutoCloseable {
  private final WorkerExecutor worker;
  private final int queueSize;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  public WorkerCryptoExecutor(Vertx vertx, int poolSize, int queueSize) {
    this.worker = vertx.createSharedWorkerExecutor("kms-crypto", poolSize);
    this.queueSize = queueSize;
  }

  @Override
  public <T> Future<T> execute(Callable<T> task) {
    if (inFlight.incrementAndGet() > queueSize) {
      inFlight.decrementAndGet();
      refused.incrementAndGet();
      return Future.failedFuture(ErrorCode.SERVER_BUSY.exception());
    }
    return worker
        .<T>executeBlocking(task, false)
        .andThen(ar -> inFlight.decrementAndGet())
        .recover(
            e -> {
              if (e instanceof KmsException) {
                return Future.failedFuture(e);
              }
              // Class name only: messages of crypto exceptions can carry inputs.
              return Future.failedFuture(
                  KmsException.internal("crypto task failed: " + e.getClass().getName()));
            });
  }

  /** Tasks refused because the pool's queue was full, so far. */
  public long refused() {
    return refused.get();
  }

  /** Tasks waiting or running now. */
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void close() {
    worker.close();
  }
}
