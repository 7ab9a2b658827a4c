package io.tkms.adapter.worker;

import io.tkms.application.port.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;

/**
 * {@link EventLoops} on Vert.x: the caller's event loop is its current {@link Context} when that is
 * an event-loop context; a turn ends when the running task returns, so {@link #afterThisTurn} is
 * {@link Context#runOnContext}. Stateless: one instance serves every loop.
 */
public final class VertxEventLoops implements EventLoops {

  @Override
  public boolean inEventLoop() {
    return loopContext() != null;
  }

  @Override
  public void afterThisTurn(Runnable task) {
    Context ctx = loopContext();
    if (ctx == null) {
      throw new IllegalStateException("not on an event loop");
    }
    ctx.runOnContext(v -> task.run());
  }

  /**
   * The current event-loop context when the calling thread is its loop. The thread check matters: a
   * blocking task started from an event loop runs on a worker with that loop's context current.
   */
  private static Context loopContext() {
    Context ctx = Vertx.currentContext();
    return ctx != null && ctx.isEventLoopContext() && Context.isOnEventLoopThread() ? ctx : null;
  }

  @Override
  public <T> Future<T> bridge(CompletionStage<T> stage) {
    Context ctx = Vertx.currentContext();
    return ctx == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, ctx);
  }
}
