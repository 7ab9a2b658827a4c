package io.tkms.adapter.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@link io.tkms.application.port.EventLoops} contract on real Vert.x contexts. */
class VertxEventLoopsTest {
  private final Vertx vertx = Vertx.vertx();
  private final VertxEventLoops loops = new VertxEventLoops();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void inEventLoop_isTrueOnlyOnAnEventLoop() {
    assertThat(loops.inEventLoop()).as("a test thread").isFalse();
    Promise<Boolean> onLoop = Promise.promise();
    vertx.runOnContext(v -> onLoop.complete(loops.inEventLoop()));
    assertThat(onLoop.future().await()).isTrue();
    assertThat(vertx.executeBlocking(loops::inEventLoop, false).await())
        .as("a worker thread")
        .isFalse();
  }

  @Test
  void afterThisTurn_runsOnceTheRunningTaskHasReturned_onTheSameLoop() {
    List<String> order = new CopyOnWriteArrayList<>();
    Promise<Boolean> sameThread = Promise.promise();
    vertx.runOnContext(
        v -> {
          Thread loop = Thread.currentThread();
          loops.afterThisTurn(
              () -> {
                order.add("after the turn");
                sameThread.complete(Thread.currentThread() == loop);
              });
          order.add("rest of the turn");
        });
    assertThat(sameThread.future().await()).isTrue();
    assertThat(order).containsExactly("rest of the turn", "after the turn");
  }

  @Test
  void afterThisTurn_offAnEventLoop_isRefused() {
    assertThatThrownBy(() -> loops.afterThisTurn(() -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void bridge_continuesOnTheCallersContext_whicheverThreadCompletesTheStage()
      throws InterruptedException {
    CompletableFuture<String> foreign = new CompletableFuture<>();
    Context ctx = vertx.getOrCreateContext();
    Promise<Boolean> onCallersContext = Promise.promise();
    CountDownLatch bridged = new CountDownLatch(1);
    ctx.runOnContext(
        v -> {
          loops
              .bridge(foreign)
              .onComplete(
                  ar ->
                      onCallersContext.complete(
                          ar.succeeded()
                              && "done".equals(ar.result())
                              && Vertx.currentContext() == ctx));
          bridged.countDown();
        });
    assertThat(bridged.await(10, TimeUnit.SECONDS)).isTrue();
    foreign.complete("done"); // on the test thread, not the context's
    assertThat(onCallersContext.future().await()).isTrue();
  }

  @Test
  void bridge_offAnyContext_completesWithTheStage() {
    assertThat(loops.bridge(CompletableFuture.completedFuture(7)).await()).isEqualTo(7);
  }
}
