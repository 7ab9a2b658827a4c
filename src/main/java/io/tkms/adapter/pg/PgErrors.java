package io.tkms.adapter.pg;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps Postgres failures to error codes; logs unexpected ones without parameters or values. */
final class PgErrors {
  private static final Logger LOG = LoggerFactory.getLogger(PgErrors.class);

  private PgErrors() {}

  static boolean isUniqueViolation(Throwable t) {
    return t instanceof PgException p && "23505".equals(p.getSqlState());
  }

  static boolean isForeignKeyViolation(Throwable t) {
    return t instanceof PgException p && "23503".equals(p.getSqlState());
  }

  /** Any failure that is not already a {@link KmsException} becomes INTERNAL_ERROR. */
  static <T> Future<T> internal(Throwable t) {
    if (t instanceof KmsException k) {
      return Future.failedFuture(k);
    }
    String state = t instanceof PgException p ? p.getSqlState() : t.getClass().getSimpleName();
    LOG.error("database operation failed: {}", state);
    return Future.failedFuture(ErrorCode.INTERNAL_ERROR.exception());
  }
}
