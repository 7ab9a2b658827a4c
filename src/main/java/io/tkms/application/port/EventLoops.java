package io.tkms.application.port;

import io.vertx.core.Future;
import java.util.concurrent.CompletionStage;

/**
 * The event loops the use cases run on, as far as the application needs to see them: whether the
 * caller is on one, work deferred to the end of the caller's current turn (the key cache loads the
 * misses of one turn together), and foreign futures continued on the caller's loop.
 *
 * <p>Threading: every method is cheap, never blocks, never fails, and may be called from any
 * thread; what it does depends on the calling thread ("the caller's event loop"). Implemented on
 * Vert.x contexts in {@code adapter.worker}; unit tests use a fake whose turns they end by hand.
 */
public interface EventLoops {
  /**
   * True when the calling thread is running a task of an event loop; false on worker threads and
   * threads the server does not own (tests, boot).
   */
  boolean inEventLoop();

  /**
   * Runs {@code task} on the caller's event loop after the task running now has returned (and after
   * the tasks queued before this one): the end of the current turn. Call only when {@link
   * #inEventLoop()}; {@code task} must not block and should not throw.
   *
   * @throws IllegalStateException when the caller is not on an event loop
   */
  void afterThisTurn(Runnable task);

  /**
   * {@code stage} as a future whose callbacks run on the caller's context (its event loop), so code
   * continues on the loop it started on whichever thread completes {@code stage}; called off any
   * context, the callbacks run on the thread that completes {@code stage} (or at once when it is
   * already complete).
   */
  <T> Future<T> bridge(CompletionStage<T> stage);
}
