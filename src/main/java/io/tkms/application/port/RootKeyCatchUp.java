package io.tkms.application.port;

import io.vertx.core.Future;

/**
 * Lets a cache that finds material wrapped under a root-key version this process has not opened yet
 * (another replica rotated a moment ago) catch up before it unwraps, instead of failing.
 */
public interface RootKeyCatchUp {
  /** Nothing to catch up with (a fixed keyring: unit tests). */
  RootKeyCatchUp NONE =
      new RootKeyCatchUp() {
        @Override
        public boolean opens(int version) {
          return true;
        }

        @Override
        public Future<Void> catchUp() {
          return Future.succeededFuture();
        }
      };

  /** True when material under {@code version} can be opened now. Cheap; any thread. */
  boolean opens(int version);

  /** Opens every version recorded in the database and not yet here. */
  Future<Void> catchUp();
}
