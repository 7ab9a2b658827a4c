package io.tkms.application;

import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyState.Operation;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A change of a key's state as a compare-and-set: read the key, apply the state table, write the
 * new state only if the key is still in the state read. A lost compare-and-set reads again and
 * answers for the state found then, so two requests asking for the same change (two DisableKey at
 * once, or a retry of one whose first answer was lost) both succeed, as they do one after the
 * other, and a change the table refuses in the new state gets the table's refusal. A key that keeps
 * moving under {@link #ATTEMPTS} reads answers CmkStateNotSupport ("changed concurrently, retry").
 */
final class StateChange {
  static final int ATTEMPTS = 3;

  private StateChange() {}

  /**
   * @param read the key as it is now (failing as a read of the caller's key fails)
   * @param write writes the target state if the key is still in the state read; false when not
   */
  static Future<Void> apply(
      Supplier<Future<KeyMetadata>> read,
      Operation op,
      BiFunction<KeyMetadata, KeyState, Future<Boolean>> write) {
    return apply(read, op, write, ATTEMPTS);
  }

  private static Future<Void> apply(
      Supplier<Future<KeyMetadata>> read,
      Operation op,
      BiFunction<KeyMetadata, KeyState, Future<Boolean>> write,
      int attempts) {
    return read.get()
        .compose(
            md -> {
              KeyState target = md.state().apply(op);
              if (target == md.state()) {
                return Future.<Void>succeededFuture();
              }
              return write
                  .apply(md, target)
                  .compose(
                      ok -> {
                        if (ok) {
                          return Future.<Void>succeededFuture();
                        }
                        return attempts > 1
                            ? apply(read, op, write, attempts - 1)
                            : Future.<Void>failedFuture(
                                ErrorCode.KEY_STATE_NOT_SUPPORTED.exception(
                                    "the key's state changed concurrently, retry"));
                      });
            });
  }
}
