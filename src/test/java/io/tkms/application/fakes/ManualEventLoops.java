package io.tkms.application.fakes;

import io.tkms.application.port.EventLoops;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link EventLoops} for unit tests: one loop, on the test thread, whose turns the test runs with
 * {@link #turn}. Outside a turn the caller is "not on a loop" (as a test thread is on real Vert.x),
 * so loads happen at once and futures complete synchronously with inline fakes.
 */
public final class ManualEventLoops implements EventLoops {
  private final Queue<Runnable> afterTurn = new ArrayDeque<>();
  private boolean inTurn;

  /**
   * Runs {@code body} as one event-loop turn, then what it deferred to the end of the turn (each
   * deferred task is a turn of its own, as on Vert.x); returns what {@code body} returned.
   */
  public <T> T turn(Supplier<T> body) {
    T result = asLoopTask(body);
    while (!afterTurn.isEmpty()) {
      Runnable next = afterTurn.poll();
      asLoopTask(
          () -> {
            next.run();
            return null;
          });
    }
    return result;
  }

  private <T> T asLoopTask(Supplier<T> task) {
    if (inTurn) {
      throw new IllegalStateException("turns do not nest");
    }
    inTurn = true;
    try {
      return task.get();
    } finally {
      inTurn = false;
    }
  }

  @Override
  public boolean inEventLoop() {
    return inTurn;
  }

  @Override
  public void afterThisTurn(Runnable task) {
    if (!inTurn) {
      throw new IllegalStateException("not on an event loop");
    }
    afterTurn.add(task);
  }

  @Override
  public <T> Future<T> bridge(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage);
  }
}
