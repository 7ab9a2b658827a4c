package io.tkms.application.fakes;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;

/**
 * Reads the outcome of a use case's future in a test. With the inline fakes every future is
 * complete when the call returns, so an incomplete one is a failure (it would hang in production).
 */
public final class Outcomes {
  private Outcomes() {}

  /** The result of a future that succeeded. */
  public static <T> T succeeded(Future<T> f) {
    if (!f.isComplete()) {
      throw new AssertionError("the future is not complete");
    }
    if (f.failed()) {
      throw new AssertionError("expected success, failed with " + f.cause(), f.cause());
    }
    return f.result();
  }

  /** The {@link ErrorCode} a future failed with. */
  public static ErrorCode failure(Future<?> f) {
    if (!f.isComplete()) {
      throw new AssertionError("the future is not complete");
    }
    if (f.succeeded()) {
      throw new AssertionError("expected a failure, succeeded with " + f.result());
    }
    if (!(f.cause() instanceof KmsException e)) {
      throw new AssertionError("expected a KmsException, failed with " + f.cause(), f.cause());
    }
    return e.code();
  }
}
