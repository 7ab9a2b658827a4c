package io.tkms.application;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.tkms.application.port.EventLoops;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;

/** How the server's Caffeine caches are built and read from event loops. */
public final class Caches {
  private Caches() {}

  /**
   * A Caffeine builder whose maintenance (eviction, expiry, removal listeners) runs on the thread
   * that uses the cache. Caffeine's default hands it to the common pool every few reads, which on
   * the request path cost a thread wake-up per hand-off (docs/performance.md); the work itself is
   * small and amortised.
   */
  public static Caffeine<Object, Object> onCallingThread() {
    return Caffeine.newBuilder().executor(Runnable::run);
  }

  /**
   * An async cache's value as a Vert.x future: at once when it is already there (a hit), else
   * completed on the caller's context when the load finishes.
   */
  public static <T> Future<T> future(CompletableFuture<T> cf, EventLoops loops) {
    if (cf.isDone() && !cf.isCompletedExceptionally()) {
      return Future.succeededFuture(cf.join());
    }
    return loops.bridge(cf);
  }
}
