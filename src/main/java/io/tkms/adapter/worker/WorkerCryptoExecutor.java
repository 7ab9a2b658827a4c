package io.tkms.adapter.worker;

import io.tkms.application.port.CryptoExecutor;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * {@link CryptoExecutor} on a named Vert.x worker pool. Unordered ({@code executeBlocking(task,
 * false)}): the default ordered mode would serialise one context's crypto.
 */
public final class WorkerCryptoExecutor implements CryptoExecutor, AutoCloseable {
  private final WorkerExecutor worker;

  public WorkerCryptoExecutor(Vertx vertx, int poolSize) {
    this.worker = vertx.createSharedWorkerExecutor("kms-crypto", poolSize);
  }

  @Override
  public <T> Future<T> execute(Callable<T> task) {
    return worker
        .<T>executeBlocking(task, false)
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

  @Override
  public void close() {
    worker.close();
  }
}
