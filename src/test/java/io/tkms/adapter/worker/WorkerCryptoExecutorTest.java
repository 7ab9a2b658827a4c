package io.tkms.adapter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The crypto pool's bound: a full queue refuses at once with SERVER_BUSY, and recovers. */
class WorkerCryptoExecutorTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aFullQueue_refusesAtOnce_andTakesTasksAgainOnceThereIsRoom() throws Exception {
    WorkerCryptoExecutor executor = new WorkerCryptoExecutor(vertx, 1, 2);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> running = executor.execute(() -> hold(release, "a"));
    Future<String> queued = executor.execute(() -> hold(release, "b"));
    Future<String> refused = executor.execute(() -> "c");
    assertThat(refused.failed()).as("refused without waiting").isTrue();
    assertThat(((KmsException) refused.cause()).code()).isEqualTo(ErrorCode.SERVER_BUSY);
    assertThat(ErrorCode.SERVER_BUSY.v3Code()).isEqualTo("RequestLimitExceeded");
    assertThat(ErrorCode.SERVER_BUSY.v2Code()).isEqualTo(4420);
    assertThat(ErrorCode.SERVER_BUSY.v2Module()).isEqualTo(10250);
    assertThat(refused.cause().getMessage()).isEqualTo("server busy");
    assertThat(executor.refused()).isEqualTo(1);
    assertThat(executor.inFlight()).isEqualTo(2);
    release.countDown();
    assertThat(running.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo("a");
    assertThat(queued.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo("b");
    assertThat(
            executor
                .execute(() -> "d")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .isEqualTo("d");
    assertThat(executor.inFlight()).isZero();
  }

  @Test
  void failures_keepTheirCode_orBecomeInternalErrors_andFreeTheirPlace() throws Exception {
    WorkerCryptoExecutor executor = new WorkerCryptoExecutor(vertx, 1, 1);
    Future<Object> kms =
        executor.execute(
            () -> {
              throw ErrorCode.INVALID_CIPHERTEXT.exception();
            });
    Throwable k = await(kms);
    assertThat(((KmsException) k).code()).isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
    Future<Object> other =
        executor.execute(
            () -> {
              throw new IllegalStateException("secret input");
            });
    Throwable o = await(other);
    assertThat(((KmsException) o).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(o.getMessage()).doesNotContain("secret input");
    assertThat(executor.inFlight()).isZero();
  }

  private static Throwable await(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  private static String hold(CountDownLatch release, String value) throws InterruptedException {
    release.await(10, TimeUnit.SECONDS);
    return value;
  }
}
