package io.tkms.application.fakes;

import io.tkms.application.port.CryptoExecutor;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import java.util.concurrent.Callable;

/**
 * {@link CryptoExecutor} that runs each task at once on the calling thread and counts the tasks.
 * Failures map as the port says: a {@link KmsException} as is, anything else INTERNAL_ERROR.
 */
public final class InlineExecutor implements CryptoExecutor {
  private int tasks;

  @Override
  public <T> Future<T> execute(Callable<T> task) {
    tasks++;
    try {
      return Future.succeededFuture(task.call());
    } catch (KmsException e) {
      return Future.failedFuture(e);
    } catch (Exception e) {
      return Future.failedFuture(
          KmsException.internal("crypto task failed: " + e.getClass().getName()));
    }
  }

  /** Tasks run so far. */
  public int tasks() {
    return tasks;
  }
}
