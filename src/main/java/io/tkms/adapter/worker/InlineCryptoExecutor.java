package io.tkms.adapter.worker;

import io.tkms.application.port.CryptoExecutor;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import java.util.concurrent.Callable;

/**
 * {@link CryptoExecutor} that runs the task at once on the calling thread (an event loop) and
 * returns a completed future. Only for work that is CPU-bound, bounded and a few microseconds long:
 * the per-request software AES-GCM of at most 8 KB (ADR 0004), where a hop to the worker pool costs
 * more than the work. Never for HSA calls or key wrap/unwrap. Failures map exactly as in {@link
 * WorkerCryptoExecutor}.
 */
public final class InlineCryptoExecutor implements CryptoExecutor {

  @Override
  public <T> Future<T> execute(Callable<T> task) {
    try {
      return Future.succeededFuture(task.call());
    } catch (KmsException e) {
      return Future.failedFuture(e);
    } catch (Exception e) {
      // Class name only: messages of crypto exceptions can carry inputs.
      return Future.failedFuture(
          KmsException.internal("crypto task failed: " + e.getClass().getName()));
    }
  }
}
