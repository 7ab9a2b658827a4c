package io.tkms.application.port;

import io.vertx.core.Future;
import java.util.concurrent.Callable;

/**
 * Runs AEAD, key wrap/unwrap and HSA calls off the event loop, unordered, and completes the
 * returned future on the caller's context. A task's {@link io.tkms.error.KmsException} fails the
 * future as is; any other throwable becomes INTERNAL_ERROR.
 */
public interface CryptoExecutor {
  <T> Future<T> execute(Callable<T> task);
}
