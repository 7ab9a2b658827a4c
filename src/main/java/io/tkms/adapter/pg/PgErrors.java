package io.tkms.adapter.pg;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;

/**
 * Maps Postgres failures to error codes. Unexpected ones become INTERNAL_ERROR carrying the SQL
 * state (never parameters or values), which the request pipeline logs with the request id.
 */
final class PgErrors {
  private PgErrors() {}

  static boolean isUniqueViolation(Throwable t) {
    return t instanceof PgException p && "23505".equals(p.getSqlState());
  }

  static boolean isForeignKeyViolation(Throwable t) {
    return t instanceof PgException p && "23503".equals(p.getSqlState());
  }

  /**
   * A write that names a root-key version no longer recorded (a replica that had not yet heard the
   * version was destroyed): an internal error, not a missing principal or key.
   */
  static boolean isRootKeyViolation(Throwable t) {
    return t instanceof PgException p
        && p.getConstraint() != null
        && p.getConstraint().endsWith("_root_fk");
  }

  /** Any failure that is not already a {@link KmsException} becomes INTERNAL_ERROR. */
  static <T> Future<T> internal(Throwable t) {
    if (t instanceof KmsException k) {
      return Future.failedFuture(k);
    }
    String state =
        t instanceof PgException p ? "SQL state " + p.getSqlState() : t.getClass().getSimpleName();
    return Future.failedFuture(KmsException.internal("database operation failed: " + state));
  }

  /**
   * For inserts: a unique violation becomes CONFLICT with {@code conflict}, a foreign-key violation
   * NOT_FOUND with {@code missing}, anything else INTERNAL_ERROR.
   */
  static <T> Future<T> insertFailure(Throwable t, String conflict, String missing) {
    if (isUniqueViolation(t)) {
      return Future.failedFuture(ErrorCode.CONFLICT.exception(conflict));
    }
    if (isForeignKeyViolation(t) && !isRootKeyViolation(t)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception(missing));
    }
    return internal(t);
  }
}
